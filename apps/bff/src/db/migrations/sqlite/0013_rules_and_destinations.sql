CREATE TABLE `destinations` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`kind` text NOT NULL,
	`slack_channel` text,
	`addresses` text,
	`url` text,
	`header_name` text,
	`header_value` text,
	`signing_secret` text,
	`last_success_at` integer,
	`last_failure_at` integer,
	`last_error` text,
	`consecutive_failures` integer DEFAULT 0 NOT NULL,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	`updated_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `destinations_name_nocase` ON `destinations` (lower("name"));--> statement-breakpoint
CREATE TABLE `event_facts` (
	`event_id` integer PRIMARY KEY NOT NULL,
	`facts` text NOT NULL,
	FOREIGN KEY (`event_id`) REFERENCES `events`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `rule_destinations` (
	`rule_id` integer NOT NULL,
	`destination_id` integer NOT NULL,
	PRIMARY KEY(`rule_id`, `destination_id`),
	FOREIGN KEY (`rule_id`) REFERENCES `rules`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`destination_id`) REFERENCES `destinations`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `rule_destinations_destination` ON `rule_destinations` (`destination_id`);--> statement-breakpoint
CREATE TABLE `rule_events` (
	`rule_id` integer NOT NULL,
	`event` text NOT NULL,
	PRIMARY KEY(`rule_id`, `event`),
	FOREIGN KEY (`rule_id`) REFERENCES `rules`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `rule_events_event` ON `rule_events` (`event`,`rule_id`);--> statement-breakpoint
CREATE TABLE `rule_scopes` (
	`rule_id` integer NOT NULL,
	`kind` text NOT NULL,
	`value` text NOT NULL,
	PRIMARY KEY(`rule_id`, `kind`, `value`),
	FOREIGN KEY (`rule_id`) REFERENCES `rules`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `rules` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`scope` text NOT NULL,
	`owner_id` integer,
	`name` text NOT NULL,
	`enabled` integer DEFAULT true NOT NULL,
	`channels` integer DEFAULT 0 NOT NULL,
	`conditions` text NOT NULL,
	`has_product_types` integer DEFAULT false NOT NULL,
	`has_products` integer DEFAULT false NOT NULL,
	`has_tags` integer DEFAULT false NOT NULL,
	`min_severity` integer,
	`min_count` integer,
	`count_severity` integer,
	`tool` text,
	`only_new` integer DEFAULT false NOT NULL,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	`updated_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	FOREIGN KEY (`owner_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `rules_owner` ON `rules` (`owner_id`);--> statement-breakpoint
CREATE INDEX `rules_scope` ON `rules` (`scope`);--> statement-breakpoint
ALTER TABLE `deliveries` ADD `destination_id` integer REFERENCES destinations(id);--> statement-breakpoint
CREATE INDEX `deliveries_destination` ON `deliveries` (`destination_id`);
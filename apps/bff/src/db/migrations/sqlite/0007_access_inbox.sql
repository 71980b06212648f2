CREATE TABLE `alert_reads` (
	`user_id` integer PRIMARY KEY NOT NULL,
	`seen_through_id` integer DEFAULT 0 NOT NULL,
	`updated_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `login_address_throttle` (
	`address` text PRIMARY KEY NOT NULL,
	`failures` integer DEFAULT 0 NOT NULL,
	`window_start` integer NOT NULL,
	`admitted` integer DEFAULT true NOT NULL,
	`updated_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL
);
--> statement-breakpoint
CREATE TABLE `removed_alerts` (
	`id` integer PRIMARY KEY NOT NULL,
	`user_id` integer NOT NULL,
	`event_id` integer,
	`event` text,
	`product_id` integer,
	`title` text NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`url` text NOT NULL,
	`source` text NOT NULL,
	`icon` text NOT NULL,
	`created_at` integer NOT NULL,
	`removed_at` integer NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `removed_alerts_user` ON `removed_alerts` (`user_id`,`removed_at`);--> statement-breakpoint
CREATE INDEX `removed_alerts_removed` ON `removed_alerts` (`removed_at`);--> statement-breakpoint
ALTER TABLE `alerts` ADD `event` text;--> statement-breakpoint
ALTER TABLE `alerts` ADD `product_id` integer;--> statement-breakpoint
CREATE INDEX `alerts_user_event` ON `alerts` (`user_id`,`event`,`id`);--> statement-breakpoint
CREATE INDEX `alerts_user_product` ON `alerts` (`user_id`,`product_id`,`id`);--> statement-breakpoint
CREATE INDEX `alerts_user_created` ON `alerts` (`user_id`,`created_at`);--> statement-breakpoint
ALTER TABLE `api_tokens` ADD `kind` text DEFAULT 'personal' NOT NULL;--> statement-breakpoint
ALTER TABLE `api_tokens` ADD `can_raise_context_free` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `api_tokens` ADD `created_by_id` integer;--> statement-breakpoint
ALTER TABLE `api_tokens` ADD `expires_on` text;--> statement-breakpoint
ALTER TABLE `events` ADD `raised_by_user_id` integer;--> statement-breakpoint
ALTER TABLE `events` ADD `raised_by_token_id` integer;--> statement-breakpoint
ALTER TABLE `events` ADD `raised_by_label` text DEFAULT 'Tocsin' NOT NULL;--> statement-breakpoint
ALTER TABLE `users` ADD `is_service` integer DEFAULT false NOT NULL;
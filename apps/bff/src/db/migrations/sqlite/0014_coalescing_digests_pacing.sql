CREATE TABLE `delivery_pace` (
	`destination` text PRIMARY KEY NOT NULL,
	`next_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `digest_items` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`event_id` integer NOT NULL,
	`channel` text NOT NULL,
	`target_kind` text NOT NULL,
	`user_id` integer,
	`webhook_id` integer,
	`due_at` integer NOT NULL,
	`created_at` integer NOT NULL,
	`delivery_id` integer,
	FOREIGN KEY (`event_id`) REFERENCES `events`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`webhook_id`) REFERENCES `webhooks`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`delivery_id`) REFERENCES `deliveries`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE INDEX `digest_items_due` ON `digest_items` (`delivery_id`,`due_at`);--> statement-breakpoint
CREATE INDEX `digest_items_event` ON `digest_items` (`event_id`);--> statement-breakpoint
CREATE TABLE `digest_settings` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`user_id` integer,
	`channel` text NOT NULL,
	`mode` text DEFAULT 'immediate' NOT NULL,
	`daily_at` text DEFAULT '08:00' NOT NULL,
	`user_key` integer GENERATED ALWAYS AS (coalesce(user_id, 0)) STORED,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `digest_settings_target` ON `digest_settings` (`user_key`,`channel`);--> statement-breakpoint
ALTER TABLE `alerts` ADD `dedupe_key` text;--> statement-breakpoint
ALTER TABLE `alerts` ADD `coalesced_count` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `alerts` ADD `last_seen_at` integer;--> statement-breakpoint
CREATE INDEX `alerts_dedupe` ON `alerts` (`dedupe_key`,`created_at`);--> statement-breakpoint
ALTER TABLE `deliveries` ADD `dedupe_key` text;--> statement-breakpoint
ALTER TABLE `deliveries` ADD `coalesced_count` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
CREATE INDEX `deliveries_dedupe` ON `deliveries` (`dedupe_key`,`created_at`);--> statement-breakpoint
ALTER TABLE `events` ADD `dedupe_key` text;--> statement-breakpoint
ALTER TABLE `removed_alerts` ADD `dedupe_key` text;--> statement-breakpoint
ALTER TABLE `removed_alerts` ADD `coalesced_count` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `removed_alerts` ADD `last_seen_at` integer;--> statement-breakpoint
ALTER TABLE `system_settings` ADD `coalesce_window_seconds` integer DEFAULT 600 NOT NULL;--> statement-breakpoint
ALTER TABLE `system_settings` ADD `unsubscribe_key` text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE `system_settings` ADD `confidential_mode` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `users` ADD `time_zone` text DEFAULT 'UTC' NOT NULL;--> statement-breakpoint
ALTER TABLE `users` ADD `quiet_hours_start` text;--> statement-breakpoint
ALTER TABLE `users` ADD `quiet_hours_end` text;--> statement-breakpoint
ALTER TABLE `users` ADD `quiet_hours_critical_passes` integer DEFAULT false NOT NULL;
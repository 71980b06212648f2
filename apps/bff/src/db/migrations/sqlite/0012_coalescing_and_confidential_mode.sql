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
ALTER TABLE `system_settings` ADD `confidential_mode` integer DEFAULT false NOT NULL;
ALTER TABLE `deliveries` ADD `carried_by` integer REFERENCES deliveries(id);--> statement-breakpoint
CREATE INDEX `deliveries_carried` ON `deliveries` (`carried_by`);--> statement-breakpoint
ALTER TABLE `destinations` ADD `digest_mode` text DEFAULT 'immediate' NOT NULL;--> statement-breakpoint
ALTER TABLE `destinations` ADD `digest_daily_at` text DEFAULT '08:00' NOT NULL;--> statement-breakpoint
ALTER TABLE `destinations` ADD `digest_time_zone` text DEFAULT 'UTC' NOT NULL;--> statement-breakpoint
ALTER TABLE `digest_items` ADD `destination_id` integer REFERENCES destinations(id);
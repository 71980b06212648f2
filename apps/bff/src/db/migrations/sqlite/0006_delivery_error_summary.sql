ALTER TABLE `deliveries` ADD `last_error_summary` text;--> statement-breakpoint
ALTER TABLE `delivery_attempts` ADD `error_summary` text;
ALTER TABLE `notification_setting_changes` ADD `rule_id` integer;--> statement-breakpoint
ALTER TABLE `notification_setting_changes` ADD `rule_before` text;--> statement-breakpoint
ALTER TABLE `notification_setting_changes` ADD `rule_after` text;
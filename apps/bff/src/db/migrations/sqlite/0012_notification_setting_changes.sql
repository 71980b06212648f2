CREATE TABLE `notification_setting_changes` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`change_set_id` text NOT NULL,
	`user_id` integer NOT NULL,
	`changed_by_id` integer,
	`source` text NOT NULL,
	`scope` text NOT NULL,
	`product_id` integer,
	`event` text NOT NULL,
	`channels_before` integer NOT NULL,
	`channels_after` integer NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`changed_by_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null,
	FOREIGN KEY (`product_id`) REFERENCES `products`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `notification_setting_changes_user` ON `notification_setting_changes` (`user_id`,`created_at`);
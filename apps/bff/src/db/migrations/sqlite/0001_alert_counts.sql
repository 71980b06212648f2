CREATE TABLE `alert_counts` (
	`user_id` integer PRIMARY KEY NOT NULL,
	`n` integer DEFAULT 0 NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
INSERT INTO `alert_counts` (`user_id`, `n`) SELECT `user_id`, count(*) FROM `alerts` GROUP BY `user_id`;
--> statement-breakpoint
CREATE TRIGGER `alerts_count_insert` AFTER INSERT ON `alerts` BEGIN
  INSERT INTO `alert_counts` (`user_id`, `n`) VALUES (new.`user_id`, 1) ON CONFLICT(`user_id`) DO UPDATE SET `n` = `n` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `alerts_count_delete` AFTER DELETE ON `alerts` BEGIN
  UPDATE `alert_counts` SET `n` = `n` - 1 WHERE `user_id` = old.`user_id`;
END;

CREATE TABLE `finding_severity_history` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`finding_id` integer NOT NULL,
	`from_severity` text NOT NULL,
	`to_severity` text NOT NULL,
	`from_sla_expires_on` text,
	`to_sla_expires_on` text,
	`changed_by` integer,
	`reason` text NOT NULL,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	FOREIGN KEY (`finding_id`) REFERENCES `findings`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`changed_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE INDEX `finding_severity_history_finding` ON `finding_severity_history` (`finding_id`,`id`);
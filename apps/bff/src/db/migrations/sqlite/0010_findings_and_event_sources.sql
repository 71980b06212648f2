CREATE TABLE `finding_reviews` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`finding_id` integer NOT NULL,
	`requested_by` integer,
	`reviewer_id` integer NOT NULL,
	`message` text NOT NULL,
	`status` text DEFAULT 'pending' NOT NULL,
	`comment` text,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	`reviewed_at` integer,
	FOREIGN KEY (`finding_id`) REFERENCES `findings`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`requested_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null,
	FOREIGN KEY (`reviewer_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `finding_reviews_finding` ON `finding_reviews` (`finding_id`,`id`);--> statement-breakpoint
CREATE INDEX `finding_reviews_reviewer` ON `finding_reviews` (`reviewer_id`,`status`);--> statement-breakpoint
CREATE TABLE `finding_status_history` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`finding_id` integer NOT NULL,
	`from_status` text,
	`to_status` text NOT NULL,
	`changed_by` integer,
	`source` text NOT NULL,
	`import_id` integer,
	`risk_acceptance_id` integer,
	`note` text,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	FOREIGN KEY (`finding_id`) REFERENCES `findings`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`changed_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null,
	FOREIGN KEY (`import_id`) REFERENCES `test_imports`(`id`) ON UPDATE no action ON DELETE set null,
	FOREIGN KEY (`risk_acceptance_id`) REFERENCES `risk_acceptances`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE INDEX `finding_status_history_finding` ON `finding_status_history` (`finding_id`,`id`);--> statement-breakpoint
CREATE TABLE `finding_tags` (
	`finding_id` integer NOT NULL,
	`tag` text NOT NULL,
	PRIMARY KEY(`finding_id`, `tag`),
	FOREIGN KEY (`finding_id`) REFERENCES `findings`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `finding_tags_tag` ON `finding_tags` (`tag`);--> statement-breakpoint
CREATE TABLE `findings` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`test_id` integer NOT NULL,
	`engagement_id` integer NOT NULL,
	`product_id` integer NOT NULL,
	`import_id` integer,
	`title` text NOT NULL,
	`severity` text NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`mitigation` text,
	`impact` text,
	`reference_text` text,
	`tool` text NOT NULL,
	`tool_version` text,
	`rule_id` text,
	`cwe` integer,
	`file_path` text,
	`line` integer,
	`component` text,
	`component_version` text,
	`location_url` text,
	`fingerprint` text NOT NULL,
	`vulnerability_ids` text DEFAULT '[]' NOT NULL,
	`date_found` text NOT NULL,
	`sla_start_date` text NOT NULL,
	`sla_expires_on` text,
	`status` text NOT NULL,
	`mitigated_on` text,
	`mitigated_by` integer,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	`updated_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	FOREIGN KEY (`test_id`) REFERENCES `tests`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`engagement_id`) REFERENCES `engagements`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`product_id`) REFERENCES `products`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`import_id`) REFERENCES `test_imports`(`id`) ON UPDATE no action ON DELETE set null,
	FOREIGN KEY (`mitigated_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE INDEX `findings_status_sla` ON `findings` (`status`,`sla_expires_on`);--> statement-breakpoint
CREATE INDEX `findings_test_fingerprint` ON `findings` (`test_id`,`fingerprint`);--> statement-breakpoint
CREATE INDEX `findings_product_status` ON `findings` (`product_id`,`status`);--> statement-breakpoint
CREATE INDEX `findings_engagement` ON `findings` (`engagement_id`);--> statement-breakpoint
CREATE INDEX `findings_import` ON `findings` (`import_id`);--> statement-breakpoint
CREATE TABLE `notes` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`product_id` integer NOT NULL,
	`engagement_id` integer NOT NULL,
	`finding_id` integer,
	`author_id` integer,
	`entry` text NOT NULL,
	`is_private` integer DEFAULT false NOT NULL,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	`updated_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	`edited_at` integer,
	FOREIGN KEY (`product_id`) REFERENCES `products`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`engagement_id`) REFERENCES `engagements`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`finding_id`) REFERENCES `findings`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`author_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE INDEX `notes_finding` ON `notes` (`finding_id`,`id`);--> statement-breakpoint
CREATE INDEX `notes_engagement` ON `notes` (`engagement_id`,`id`);--> statement-breakpoint
CREATE TABLE `product_tags` (
	`product_id` integer NOT NULL,
	`tag` text NOT NULL,
	PRIMARY KEY(`product_id`, `tag`),
	FOREIGN KEY (`product_id`) REFERENCES `products`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `product_tags_tag` ON `product_tags` (`tag`);--> statement-breakpoint
CREATE TABLE `risk_acceptance_findings` (
	`risk_acceptance_id` integer NOT NULL,
	`finding_id` integer NOT NULL,
	`previous_status` text NOT NULL,
	PRIMARY KEY(`risk_acceptance_id`, `finding_id`),
	FOREIGN KEY (`risk_acceptance_id`) REFERENCES `risk_acceptances`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`finding_id`) REFERENCES `findings`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `risk_acceptance_findings_finding` ON `risk_acceptance_findings` (`finding_id`);--> statement-breakpoint
CREATE TABLE `risk_acceptances` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`product_id` integer NOT NULL,
	`engagement_id` integer,
	`name` text NOT NULL,
	`owner_id` integer,
	`decision` text NOT NULL,
	`decision_details` text DEFAULT '' NOT NULL,
	`accepted_by` text DEFAULT '' NOT NULL,
	`expires_on` text,
	`reactivate_expired` integer DEFAULT true NOT NULL,
	`restart_sla_expired` integer DEFAULT false NOT NULL,
	`heads_up_sent_at` integer,
	`expired_at` integer,
	`created_by` integer,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	`updated_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	FOREIGN KEY (`product_id`) REFERENCES `products`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`engagement_id`) REFERENCES `engagements`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`owner_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null,
	FOREIGN KEY (`created_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE INDEX `risk_acceptances_product` ON `risk_acceptances` (`product_id`);--> statement-breakpoint
CREATE INDEX `risk_acceptances_expiry` ON `risk_acceptances` (`expired_at`,`expires_on`);--> statement-breakpoint
CREATE TABLE `sent_notices` (
	`key` text PRIMARY KEY NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `sent_notices_created` ON `sent_notices` (`created_at`);--> statement-breakpoint
CREATE TABLE `sla_configurations` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`is_default` integer DEFAULT false NOT NULL,
	`critical_days` integer,
	`critical_enforced` integer DEFAULT true NOT NULL,
	`high_days` integer,
	`high_enforced` integer DEFAULT true NOT NULL,
	`medium_days` integer,
	`medium_enforced` integer DEFAULT true NOT NULL,
	`low_days` integer,
	`low_enforced` integer DEFAULT true NOT NULL,
	`info_days` integer,
	`info_enforced` integer DEFAULT false NOT NULL,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	`updated_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `sla_configurations_name_nocase` ON `sla_configurations` ("name" collate nocase);--> statement-breakpoint
CREATE TABLE `test_imports` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`test_id` integer NOT NULL,
	`is_reimport` integer NOT NULL,
	`format` text NOT NULL,
	`tool` text NOT NULL,
	`tool_version` text,
	`scan_date` text NOT NULL,
	`file_name` text DEFAULT '' NOT NULL,
	`file_bytes` integer DEFAULT 0 NOT NULL,
	`file_findings` integer DEFAULT 0 NOT NULL,
	`new_count` integer DEFAULT 0 NOT NULL,
	`reactivated_count` integer DEFAULT 0 NOT NULL,
	`mitigated_count` integer DEFAULT 0 NOT NULL,
	`untouched_count` integer DEFAULT 0 NOT NULL,
	`kept_triaged_count` integer DEFAULT 0 NOT NULL,
	`skipped_count` integer DEFAULT 0 NOT NULL,
	`close_old_findings` integer DEFAULT false NOT NULL,
	`minimum_severity` text DEFAULT 'Info' NOT NULL,
	`tags` text DEFAULT '[]' NOT NULL,
	`imported_by` integer,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	FOREIGN KEY (`test_id`) REFERENCES `tests`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`imported_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE INDEX `test_imports_test` ON `test_imports` (`test_id`,`id`);--> statement-breakpoint
CREATE TABLE `tests` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`engagement_id` integer NOT NULL,
	`product_id` integer NOT NULL,
	`title` text NOT NULL,
	`format` text NOT NULL,
	`tool_version` text,
	`created_by` integer,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	`updated_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	FOREIGN KEY (`engagement_id`) REFERENCES `engagements`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`product_id`) REFERENCES `products`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`created_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE INDEX `tests_engagement` ON `tests` (`engagement_id`);--> statement-breakpoint
CREATE INDEX `tests_product` ON `tests` (`product_id`);--> statement-breakpoint
ALTER TABLE `events` ADD `payload` text;--> statement-breakpoint
ALTER TABLE `products` ADD `sla_configuration_id` integer;--> statement-breakpoint
ALTER TABLE `products` ADD `sla_notifications` integer DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE `system_settings` ADD `sla_notify_enabled` integer DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE `system_settings` ADD `sla_notify_verified_only` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `system_settings` ADD `sla_pre_breach_days` integer DEFAULT 3 NOT NULL;--> statement-breakpoint
ALTER TABLE `system_settings` ADD `sla_post_breach_days` integer DEFAULT 7 NOT NULL;--> statement-breakpoint
ALTER TABLE `system_settings` ADD `sla_backoff` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `system_settings` ADD `risk_acceptance_heads_up_days` integer DEFAULT 10 NOT NULL;
ALTER TABLE "notification_setting_changes" ADD COLUMN "rule_id" integer;--> statement-breakpoint
ALTER TABLE "notification_setting_changes" ADD COLUMN "rule_before" text;--> statement-breakpoint
ALTER TABLE "notification_setting_changes" ADD COLUMN "rule_after" text;
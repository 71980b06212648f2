ALTER TABLE "alerts" ADD COLUMN "dedupe_key" text;--> statement-breakpoint
ALTER TABLE "alerts" ADD COLUMN "coalesced_count" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "alerts" ADD COLUMN "last_seen_at" bigint;--> statement-breakpoint
ALTER TABLE "deliveries" ADD COLUMN "dedupe_key" text;--> statement-breakpoint
ALTER TABLE "deliveries" ADD COLUMN "coalesced_count" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "events" ADD COLUMN "dedupe_key" text;--> statement-breakpoint
ALTER TABLE "removed_alerts" ADD COLUMN "dedupe_key" text;--> statement-breakpoint
ALTER TABLE "removed_alerts" ADD COLUMN "coalesced_count" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "removed_alerts" ADD COLUMN "last_seen_at" bigint;--> statement-breakpoint
ALTER TABLE "system_settings" ADD COLUMN "coalesce_window_seconds" integer DEFAULT 600 NOT NULL;--> statement-breakpoint
ALTER TABLE "system_settings" ADD COLUMN "confidential_mode" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
CREATE INDEX "alerts_dedupe" ON "alerts" USING btree ("dedupe_key","created_at");--> statement-breakpoint
CREATE INDEX "deliveries_dedupe" ON "deliveries" USING btree ("dedupe_key","created_at");
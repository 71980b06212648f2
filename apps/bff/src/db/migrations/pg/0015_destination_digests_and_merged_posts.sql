ALTER TABLE "deliveries" ADD COLUMN "carried_by" bigint;--> statement-breakpoint
ALTER TABLE "destinations" ADD COLUMN "digest_mode" text DEFAULT 'immediate' NOT NULL;--> statement-breakpoint
ALTER TABLE "destinations" ADD COLUMN "digest_daily_at" text DEFAULT '08:00' NOT NULL;--> statement-breakpoint
ALTER TABLE "destinations" ADD COLUMN "digest_time_zone" text DEFAULT 'UTC' NOT NULL;--> statement-breakpoint
ALTER TABLE "digest_items" ADD COLUMN "destination_id" integer;--> statement-breakpoint
ALTER TABLE "deliveries" ADD CONSTRAINT "deliveries_carried_by_deliveries_id_fk" FOREIGN KEY ("carried_by") REFERENCES "public"."deliveries"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "digest_items" ADD CONSTRAINT "digest_items_destination_id_destinations_id_fk" FOREIGN KEY ("destination_id") REFERENCES "public"."destinations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "deliveries_carried" ON "deliveries" USING btree ("carried_by");
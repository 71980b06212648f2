DROP INDEX "alerts_user_id";--> statement-breakpoint
DROP INDEX "alerts_user_event";--> statement-breakpoint
DROP INDEX "alerts_user_product";--> statement-breakpoint
DROP INDEX "alerts_user_created";--> statement-breakpoint
DROP INDEX "alerts_dedupe";--> statement-breakpoint
ALTER TABLE "alerts" ADD COLUMN "event_code" integer;--> statement-breakpoint
ALTER TABLE "removed_alerts" ADD COLUMN "event_code" integer;--> statement-breakpoint
CREATE INDEX "alerts_user" ON "alerts" USING btree ("user_id","id","event_code","product_id","created_at");--> statement-breakpoint
CREATE INDEX "alerts_event" ON "alerts" USING btree ("event_id","user_id");--> statement-breakpoint
CREATE INDEX "alerts_user_without_event" ON "alerts" USING btree ("user_id","id") WHERE "alerts"."event_id" is null;--> statement-breakpoint
CREATE INDEX "alerts_dedupe" ON "alerts" USING btree ("dedupe_key","created_at") WHERE "alerts"."dedupe_key" is not null;
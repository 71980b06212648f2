ALTER TABLE "deliveries" ADD COLUMN "last_error_summary" text;--> statement-breakpoint
ALTER TABLE "delivery_attempts" ADD COLUMN "error_summary" text;
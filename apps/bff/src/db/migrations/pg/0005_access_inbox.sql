CREATE TABLE "alert_reads" (
	"user_id" integer PRIMARY KEY NOT NULL,
	"seen_through_id" bigint DEFAULT 0 NOT NULL,
	"updated_at" bigint DEFAULT ((extract(epoch from clock_timestamp()) * 1000)::bigint) NOT NULL
);
--> statement-breakpoint
CREATE TABLE "login_address_throttle" (
	"address" text PRIMARY KEY NOT NULL,
	"failures" integer DEFAULT 0 NOT NULL,
	"window_start" bigint NOT NULL,
	"admitted" integer DEFAULT 1 NOT NULL,
	"updated_at" bigint DEFAULT ((extract(epoch from clock_timestamp()) * 1000)::bigint) NOT NULL
);
--> statement-breakpoint
CREATE TABLE "removed_alerts" (
	"id" bigint PRIMARY KEY NOT NULL,
	"user_id" integer NOT NULL,
	"event_id" bigint,
	"event" text,
	"product_id" integer,
	"title" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"url" text NOT NULL,
	"source" text NOT NULL,
	"icon" text NOT NULL,
	"created_at" bigint NOT NULL,
	"removed_at" bigint NOT NULL
);
--> statement-breakpoint
ALTER TABLE "alerts" ADD COLUMN "event" text;--> statement-breakpoint
ALTER TABLE "alerts" ADD COLUMN "product_id" integer;--> statement-breakpoint
ALTER TABLE "api_tokens" ADD COLUMN "kind" text DEFAULT 'personal' NOT NULL;--> statement-breakpoint
ALTER TABLE "api_tokens" ADD COLUMN "can_raise_context_free" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "api_tokens" ADD COLUMN "created_by_id" integer;--> statement-breakpoint
ALTER TABLE "api_tokens" ADD COLUMN "expires_on" text;--> statement-breakpoint
ALTER TABLE "events" ADD COLUMN "raised_by_user_id" integer;--> statement-breakpoint
ALTER TABLE "events" ADD COLUMN "raised_by_token_id" integer;--> statement-breakpoint
ALTER TABLE "events" ADD COLUMN "raised_by_label" text DEFAULT 'Tocsin' NOT NULL;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "is_service" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "alert_reads" ADD CONSTRAINT "alert_reads_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "removed_alerts" ADD CONSTRAINT "removed_alerts_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "removed_alerts_user" ON "removed_alerts" USING btree ("user_id","removed_at");--> statement-breakpoint
CREATE INDEX "removed_alerts_removed" ON "removed_alerts" USING btree ("removed_at");--> statement-breakpoint
CREATE INDEX "alerts_user_event" ON "alerts" USING btree ("user_id","event","id");--> statement-breakpoint
CREATE INDEX "alerts_user_product" ON "alerts" USING btree ("user_id","product_id","id");--> statement-breakpoint
CREATE INDEX "alerts_user_created" ON "alerts" USING btree ("user_id","created_at");
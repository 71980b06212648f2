-- Custom: alerts.event_code for the rows written before it existed (db/event-codes.ts), and a trigram
-- index over the events' titles and descriptions (pg_trgm, a trusted extension: the database owner may create it):
-- the Alerts page's text search finds the few events that match there and then the user's alerts of those events
-- (alerts_event), instead of reading every alert.
UPDATE "alerts" SET "event_code" = CASE "event" WHEN 'product_type_added' THEN 1 WHEN 'product_added' THEN 2 WHEN 'engagement_added' THEN 3 WHEN 'test_added' THEN 4 WHEN 'scan_added' THEN 5 WHEN 'scan_added_empty' THEN 6 WHEN 'jira_update' THEN 7 WHEN 'upcoming_engagement' THEN 8 WHEN 'stale_engagement' THEN 9 WHEN 'auto_close_engagement' THEN 10 WHEN 'close_engagement' THEN 11 WHEN 'user_mentioned' THEN 12 WHEN 'code_review' THEN 13 WHEN 'review_requested' THEN 14 WHEN 'other' THEN 15 WHEN 'sla_breach' THEN 16 WHEN 'sla_breach_combined' THEN 17 WHEN 'risk_acceptance_expiration' THEN 18 END WHERE "event" IS NOT NULL;
--> statement-breakpoint
UPDATE "removed_alerts" SET "event_code" = CASE "event" WHEN 'product_type_added' THEN 1 WHEN 'product_added' THEN 2 WHEN 'engagement_added' THEN 3 WHEN 'test_added' THEN 4 WHEN 'scan_added' THEN 5 WHEN 'scan_added_empty' THEN 6 WHEN 'jira_update' THEN 7 WHEN 'upcoming_engagement' THEN 8 WHEN 'stale_engagement' THEN 9 WHEN 'auto_close_engagement' THEN 10 WHEN 'close_engagement' THEN 11 WHEN 'user_mentioned' THEN 12 WHEN 'code_review' THEN 13 WHEN 'review_requested' THEN 14 WHEN 'other' THEN 15 WHEN 'sla_breach' THEN 16 WHEN 'sla_breach_combined' THEN 17 WHEN 'risk_acceptance_expiration' THEN 18 END WHERE "event" IS NOT NULL;
--> statement-breakpoint
CREATE EXTENSION IF NOT EXISTS pg_trgm;
--> statement-breakpoint
CREATE INDEX "events_text_trgm" ON "events" USING gin (("title" || ' ' || "description") gin_trgm_ops);

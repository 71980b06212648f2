-- Hand-written backfill for 0005_access_inbox (keep it when the generated migrations are regenerated).
-- Alerts carry their event's catalogue name and product, so the Alerts page filters need no join.
UPDATE "alerts" a SET "event" = e."routed_as", "product_id" = e."product_id"
  FROM "events" e WHERE e."id" = a."event_id";
--> statement-breakpoint
-- Everything already in a list counts as seen: nobody is greeted with "999 new" after the upgrade.
INSERT INTO "alert_reads" ("user_id", "seen_through_id") SELECT "user_id", max("id") FROM "alerts" GROUP BY "user_id";
--> statement-breakpoint
-- Events from before "raised by" was recorded: the account that created them (API caller or the person whose
-- change raised it) is the best we know; events without one were Tocsin's own.
UPDATE "events" e SET "raised_by_user_id" = e."created_by", "raised_by_label" = coalesce(u."username", 'Tocsin')
  FROM "users" u WHERE u."id" = e."created_by";

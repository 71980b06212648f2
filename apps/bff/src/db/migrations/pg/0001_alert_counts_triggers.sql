-- Keep alert_counts (the bell count) in step with alerts, as SQLite's migration 0001 does with triggers.
-- Statement-level triggers with transition tables: one fan-out of 10,000 alerts costs one grouped upsert, not 10,000;
-- rows are upserted in user order, so two concurrent fan-outs lock them in the same order (no deadlock).
CREATE FUNCTION alert_counts_on_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO alert_counts (user_id, n)
    SELECT user_id, count(*) FROM new_alerts GROUP BY user_id ORDER BY user_id
  ON CONFLICT (user_id) DO UPDATE SET n = alert_counts.n + excluded.n;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE FUNCTION alert_counts_on_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE alert_counts c SET n = c.n - d.n
    FROM (SELECT user_id, count(*) AS n FROM old_alerts GROUP BY user_id) d
    WHERE c.user_id = d.user_id;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER alerts_count_insert AFTER INSERT ON alerts
  REFERENCING NEW TABLE AS new_alerts FOR EACH STATEMENT EXECUTE FUNCTION alert_counts_on_insert();
--> statement-breakpoint
CREATE TRIGGER alerts_count_delete AFTER DELETE ON alerts
  REFERENCING OLD TABLE AS old_alerts FOR EACH STATEMENT EXECUTE FUNCTION alert_counts_on_delete();

-- Custom: alerts.event_code for the rows written before it existed (db/event-codes.ts), and a trigram
-- text index over the events' titles and descriptions: the Alerts page's text search finds the few events that
-- match there and then the user's alerts of those events (alerts_event), instead of reading every alert.
UPDATE `alerts` SET `event_code` = CASE "event" WHEN 'product_type_added' THEN 1 WHEN 'product_added' THEN 2 WHEN 'engagement_added' THEN 3 WHEN 'test_added' THEN 4 WHEN 'scan_added' THEN 5 WHEN 'scan_added_empty' THEN 6 WHEN 'jira_update' THEN 7 WHEN 'upcoming_engagement' THEN 8 WHEN 'stale_engagement' THEN 9 WHEN 'auto_close_engagement' THEN 10 WHEN 'close_engagement' THEN 11 WHEN 'user_mentioned' THEN 12 WHEN 'code_review' THEN 13 WHEN 'review_requested' THEN 14 WHEN 'other' THEN 15 WHEN 'sla_breach' THEN 16 WHEN 'sla_breach_combined' THEN 17 WHEN 'risk_acceptance_expiration' THEN 18 END WHERE `event` IS NOT NULL;
--> statement-breakpoint
UPDATE `removed_alerts` SET `event_code` = CASE "event" WHEN 'product_type_added' THEN 1 WHEN 'product_added' THEN 2 WHEN 'engagement_added' THEN 3 WHEN 'test_added' THEN 4 WHEN 'scan_added' THEN 5 WHEN 'scan_added_empty' THEN 6 WHEN 'jira_update' THEN 7 WHEN 'upcoming_engagement' THEN 8 WHEN 'stale_engagement' THEN 9 WHEN 'auto_close_engagement' THEN 10 WHEN 'close_engagement' THEN 11 WHEN 'user_mentioned' THEN 12 WHEN 'code_review' THEN 13 WHEN 'review_requested' THEN 14 WHEN 'other' THEN 15 WHEN 'sla_breach' THEN 16 WHEN 'sla_breach_combined' THEN 17 WHEN 'risk_acceptance_expiration' THEN 18 END WHERE `event` IS NOT NULL;
--> statement-breakpoint
CREATE VIRTUAL TABLE `events_text` USING fts5(`title`, `description`, content='events', content_rowid='id', tokenize='trigram');
--> statement-breakpoint
INSERT INTO `events_text` (`events_text`) VALUES ('rebuild');
--> statement-breakpoint
CREATE TRIGGER `events_text_insert` AFTER INSERT ON `events` BEGIN
  INSERT INTO `events_text` (rowid, `title`, `description`) VALUES (new.`id`, new.`title`, new.`description`);
END;
--> statement-breakpoint
CREATE TRIGGER `events_text_delete` AFTER DELETE ON `events` BEGIN
  INSERT INTO `events_text` (`events_text`, rowid, `title`, `description`) VALUES ('delete', old.`id`, old.`title`, old.`description`);
END;
--> statement-breakpoint
CREATE TRIGGER `events_text_update` AFTER UPDATE OF `title`, `description` ON `events` BEGIN
  INSERT INTO `events_text` (`events_text`, rowid, `title`, `description`) VALUES ('delete', old.`id`, old.`title`, old.`description`);
  INSERT INTO `events_text` (rowid, `title`, `description`) VALUES (new.`id`, new.`title`, new.`description`);
END;

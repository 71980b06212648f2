DROP INDEX `events_idempotency`;--> statement-breakpoint
-- Before this index, two concurrent runs of a job could both store a key of Tocsin's own (no creator): keep the
-- first, and rename the later ones' keys, so the unique index can be built on any existing database.
UPDATE `events` SET `idempotency_key` = `idempotency_key` || ':duplicate:' || `id`
WHERE `idempotency_key` IS NOT NULL AND `id` NOT IN (
  SELECT min(`id`) FROM `events` WHERE `idempotency_key` IS NOT NULL GROUP BY coalesce(`created_by`, 0), `idempotency_key`);--> statement-breakpoint
CREATE UNIQUE INDEX `events_idempotency_key` ON `events` (coalesce(`created_by`, 0), `idempotency_key`);

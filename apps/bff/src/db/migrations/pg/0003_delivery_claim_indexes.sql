DROP INDEX "deliveries_due";--> statement-breakpoint
CREATE INDEX "deliveries_due_order" ON "deliveries" USING btree ("status","next_attempt_at","id");--> statement-breakpoint
CREATE INDEX "deliveries_leases" ON "deliveries" USING btree ("status","lease_until");
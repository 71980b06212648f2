/**
 * The event catalogue's names as small numbers, stored in alerts.event_code so that the filter by event type is a
 * column of the one per-user index (alerts_user) instead of a text that makes every fan-out write wider entries.
 * The numbers are stored: never change or reuse one; a new event gets the next number (event-codes.test.ts).
 */
import type { TEventName } from '@tocsin/contract/catalogue';

export const EVENT_CODES: Readonly<Record<TEventName, number>> = {
  product_type_added: 1,
  product_added: 2,
  engagement_added: 3,
  test_added: 4,
  scan_added: 5,
  scan_added_empty: 6,
  jira_update: 7,
  upcoming_engagement: 8,
  stale_engagement: 9,
  auto_close_engagement: 10,
  close_engagement: 11,
  user_mentioned: 12,
  code_review: 13,
  review_requested: 14,
  other: 15,
  sla_breach: 16,
  sla_breach_combined: 17,
  risk_acceptance_expiration: 18,
};

/** The code of an alert's event name; null for an alert without an event or a name outside the catalogue. */
export function eventCodeOf(event: string | null | undefined): number | null {
  if (event == null) return null;
  return Object.hasOwn(EVENT_CODES, event) ? EVENT_CODES[event as TEventName] : null;
}

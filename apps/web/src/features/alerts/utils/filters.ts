/**
 * The Alerts page filters as pure functions: read from the address (what a person bookmarks or shares), written
 * back to it, and turned into the query of GET /api/alerts. Days are the person's own calendar days: "from
 * 2026-03-01 to 2026-03-03" is from local midnight of the 1st up to (not including) local midnight of the 4th.
 * Anything the address holds that is not a valid filter is dropped rather than refused.
 */
import { ALERT_SEARCH_MAX } from '@tocsin/contract/alerts';
import { isCalendarDate } from '@tocsin/contract/calendar-date';
import { EVENT_NAMES, type TEventName } from '@tocsin/contract/catalogue';

export type TAlertFilters = {
  event: TEventName | null;
  productId: number | null;
  /** YYYY-MM-DD, the first day shown. */
  from: string | null;
  /** YYYY-MM-DD, the last day shown. */
  to: string | null;
  text: string;
};

export const NO_FILTERS: TAlertFilters = { event: null, productId: null, from: null, to: null, text: '' };

/** The address keys: short, readable, stable. */
const KEYS = { event: 'event', productId: 'product', from: 'from', to: 'to', text: 'q' } as const;

const isEventName = (value: string): value is TEventName => (EVENT_NAMES as readonly string[]).includes(value);

export function parseAlertFilters(params: URLSearchParams): TAlertFilters {
  const event = params.get(KEYS.event);
  const product = Number(params.get(KEYS.productId));
  const from = params.get(KEYS.from);
  const to = params.get(KEYS.to);
  const filters: TAlertFilters = {
    event: event && isEventName(event) ? event : null,
    productId: Number.isInteger(product) && product > 0 ? product : null,
    from: from && isCalendarDate(from) ? from : null,
    to: to && isCalendarDate(to) ? to : null,
    text: (params.get(KEYS.text) ?? '').trim().slice(0, ALERT_SEARCH_MAX),
  };
  // A range that ends before it starts would match nothing: keep the start, drop the end.
  if (filters.from && filters.to && filters.to < filters.from) filters.to = null;
  return filters;
}

export function hasFilters(filters: TAlertFilters): boolean {
  return filters.event !== null || filters.productId !== null || filters.from !== null || filters.to !== null || filters.text !== '';
}

/** The address of the Alerts page for these filters and page (page 1 and empty filters are left out). */
export function toAlertsSearchParams(filters: TAlertFilters, page = 1): URLSearchParams {
  const params = new URLSearchParams();
  if (filters.event) params.set(KEYS.event, filters.event);
  if (filters.productId !== null) params.set(KEYS.productId, String(filters.productId));
  if (filters.from) params.set(KEYS.from, filters.from);
  if (filters.to) params.set(KEYS.to, filters.to);
  if (filters.text) params.set(KEYS.text, filters.text);
  if (page > 1) params.set('page', String(page));
  return params;
}

/** Local midnight at the start of a calendar day, as an ISO instant. */
function startOfLocalDay(date: string, addDays = 0): string {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  return new Date(year, month - 1, day + addDays).toISOString();
}

/** The query parameters of GET /api/alerts for these filters (page and size are added by the caller). */
export function toAlertListParams(filters: TAlertFilters): Record<string, string> {
  const params: Record<string, string> = {};
  if (filters.event) params.event = filters.event;
  if (filters.productId !== null) params.product_id = String(filters.productId);
  if (filters.from) params.since = startOfLocalDay(filters.from);
  if (filters.to) params.until = startOfLocalDay(filters.to, 1);
  if (filters.text) params.q = filters.text;
  return params;
}

/**
 * The domain blocks an event carries for webhook receivers (`test`, `findings`, `finding`, `note`, `review`,
 * `sla`, `risk_acceptance`), stored as JSON in events.payload when the event is dispatched and added to the
 * webhook body by delivery/render.ts. Links are stored as paths (`/findings/7`, `/api/findings/7`); the
 * renderer makes them absolute with PUBLIC_URL, so a changed public URL never leaves stale hosts in the queue.
 * Values are plain data: titles and names exactly as written (a JSON body needs no escaping).
 */
import type { TFindingStatus, TImportFormat, TSeverity } from '@tocsin/contract/findings';

/** Items per finding list in a payload; the totals always count them all. */
export const PAYLOAD_LIST_LIMIT = 100;

export type TPayloadFinding = {
  id: number;
  title: string;
  severity: TSeverity;
  url: string;
  url_ui: string;
  url_api: string;
};

export type TPayloadFindingDetail = TPayloadFinding & {
  status: TFindingStatus;
  date_found: string;
  sla_expires_on: string | null;
  test_id: number;
};

export type TPayloadFindingLists = {
  new: TPayloadFinding[];
  reactivated: TPayloadFinding[];
  mitigated: TPayloadFinding[];
  untouched: TPayloadFinding[];
  totals: { new: number; reactivated: number; mitigated: number; untouched: number };
  /** Each list holds at most this many findings, most severe first; `totals` counts them all. */
  list_limit: number;
};

export type TPayloadTest = {
  id: number;
  title: string;
  format: TImportFormat;
  url: string;
  url_ui: string;
  url_api: string;
};

export type TPayloadSlaList = {
  kind: 'pre_breach' | 'breaching_today' | 'overdue';
  /** Findings of that kind today, each with its expiry and the days left (negative: overdue). */
  items: (TPayloadFinding & { sla_expires_on: string; days_left: number })[];
  total: number;
  list_limit: number;
};

export type TEventPayload = {
  test?: TPayloadTest;
  /** scan_added / scan_added_empty: what the import changed. */
  findings?: TPayloadFindingLists;
  finding?: TPayloadFindingDetail;
  /** user_mentioned: the note (its start) and what it is on. */
  note?: {
    id: number;
    author: string | null;
    excerpt: string;
    is_private: boolean;
    url: string;
    url_ui: string;
    on: { type: 'finding' | 'engagement'; id: number; name: string; url: string; url_ui: string; url_api: string };
  };
  /** review_requested: the request (one review per reviewer). */
  review?: { ids: number[]; requested_by: string | null; reviewers: string[]; message: string };
  /** sla_breach: the notice about one finding; sla_breach_combined: the product's list of one kind. */
  sla?:
    | { kind: 'pre_breach'; days_left: number; expires_on: string }
    | { kind: 'breaching_today'; expires_on: string }
    | { kind: 'overdue'; days_overdue: number; expires_on: string }
    | TPayloadSlaList;
  risk_acceptance?: {
    id: number;
    name: string;
    notice: 'heads_up' | 'expired';
    expires_on: string;
    owner: string | null;
    decision: string;
    reactivated: boolean;
    findings: TPayloadFinding[];
    findings_total: number;
    list_limit: number;
    url: string;
    url_ui: string;
    url_api: string;
  };
};

export const EVENT_PAYLOAD_BLOCKS = ['test', 'findings', 'finding', 'note', 'review', 'sla', 'risk_acceptance'] as const;

/** The UI and API links of a finding, as stored (paths). */
export const findingLinks = (id: number) => ({ url: `/findings/${id}`, url_ui: `/findings/${id}`, url_api: `/api/findings/${id}` });
export const testLinks = (id: number) => ({ url: `/tests/${id}`, url_ui: `/tests/${id}`, url_api: `/api/tests/${id}` });

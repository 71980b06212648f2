/**
 * The product page's finding filters (severity, status, tag) and page, kept in the address so a filtered
 * view can be bookmarked, shared and reached with Back. Unknown values in a hand-edited address are dropped.
 */
import { FINDING_STATUSES, SEVERITIES, type TFindingStatus, type TSeverity } from '@tocsin/contract/findings';

export type TFindingFilters = { severity: TSeverity[]; status: TFindingStatus[]; tag: string };

export const NO_FINDING_FILTERS: TFindingFilters = { severity: [], status: [], tag: '' };

function readList<T extends string>(value: string | null, allowed: readonly T[]): T[] {
  if (!value) return [];
  const wanted = new Set(value.split(',').map((v) => v.trim()));
  // In the contract's order, each once, whatever order the address has.
  return allowed.filter((v) => wanted.has(v));
}

export function readFindingFilters(params: URLSearchParams): TFindingFilters {
  return {
    severity: readList(params.get('severity'), SEVERITIES),
    status: readList(params.get('status'), FINDING_STATUSES),
    tag: (params.get('tag') ?? '').trim().slice(0, 100),
  };
}

export function readPage(params: URLSearchParams): number {
  const page = Number(params.get('page'));
  return Number.isInteger(page) && page > 1 ? page : 1;
}

/** Writes the filters and page into `params` (other keys, such as the open engagement, stay). */
export function writeFindingFilters(params: URLSearchParams, filters: TFindingFilters, page = 1): URLSearchParams {
  const next = new URLSearchParams(params);
  const set = (key: string, value: string) => (value ? next.set(key, value) : next.delete(key));
  set('severity', filters.severity.join(','));
  set('status', filters.status.join(','));
  set('tag', filters.tag.trim());
  set('page', page > 1 ? String(page) : '');
  return next;
}

export const hasFindingFilters = (f: TFindingFilters) => f.severity.length > 0 || f.status.length > 0 || f.tag.trim() !== '';

/** The query of GET /api/products/:id/findings. */
export function toFindingListParams(filters: TFindingFilters): Record<string, string> {
  const params: Record<string, string> = {};
  if (filters.severity.length) params.severity = filters.severity.join(',');
  if (filters.status.length) params.status = filters.status.join(',');
  if (filters.tag.trim()) params.tag = filters.tag.trim();
  return params;
}

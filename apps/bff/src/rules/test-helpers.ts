/** Events with findings for the rules and destinations tests: what the SLA job and scan imports put in a payload. */
import type { TSeverity } from '@tocsin/contract/findings';
import type { Deps } from '../app-context';
import { dispatchEvent, type TDispatchInput, type TDispatchResult } from '../notifications/dispatch';

let nextFinding = 1000;

/** An sla_breach about one finding of `severity` on the product. */
export function dispatchFindingEvent(
  deps: Deps,
  productId: number,
  severity: TSeverity,
  over: Partial<TDispatchInput> = {},
): Promise<TDispatchResult> {
  const id = nextFinding++;
  return dispatchEvent(deps, {
    event: 'sla_breach',
    title: `${severity} finding ${id} breaches its SLA`,
    productId,
    url: `/findings/${id}`,
    payload: {
      finding: {
        id,
        title: `Finding ${id}`,
        severity,
        url: `/findings/${id}`,
        url_ui: `/findings/${id}`,
        url_api: `/api/findings/${id}`,
        status: 'active',
        date_found: '2026-11-01',
        sla_expires_on: '2026-11-29',
        test_id: 0,
      },
      sla: { kind: 'overdue', days_overdue: 1, expires_on: '2026-11-29' },
    },
    ...over,
  });
}

/** Severity, status and SLA as text first; the colour only repeats what the words say. */
import { FINDING_STATUS_LABELS, type TFindingStatus, type TSeverity } from '@tocsin/contract/findings';
import type { TFindingSla } from '@tocsin/contract/findings-api';
import { describeSla } from '../utils/sla';

export function SeverityBadge({ severity }: { severity: TSeverity }) {
  return <span className={`badge badge-severity-${severity.toLowerCase()}`}>{severity}</span>;
}

export function StatusLabel({ status }: { status: TFindingStatus }) {
  return <span className="badge badge-status">{FINDING_STATUS_LABELS[status]}</span>;
}

export function SlaBadge({ sla }: { sla: TFindingSla }) {
  const { label, tone } = describeSla(sla);
  return (
    <span className={`badge badge-sla-${tone}`} title={sla.expires_on ? `SLA expires on ${sla.expires_on}` : undefined}>
      {label}
    </span>
  );
}

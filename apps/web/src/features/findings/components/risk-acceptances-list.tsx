import { RISK_DECISION_LABELS } from '@tocsin/contract/findings';
import { Link } from 'react-router-dom';
import { ErrorMessage } from '../../../components/messages';
import { paths } from '../../../config/paths';
import { getErrorMessage } from '../../../lib/api-client';
import { useProductRiskAcceptances } from '../api/get-product-risk-acceptances';
import { SeverityBadge } from './finding-badges';

/** A product's risk acceptances, newest first, each with its expiry and findings. */
export function RiskAcceptancesList({ productId }: { productId: number }) {
  const acceptances = useProductRiskAcceptances(productId);
  if (acceptances.isPending) return <p role="status">Loading risk acceptances…</p>;
  if (acceptances.isError) return <ErrorMessage>{getErrorMessage(acceptances.error)}</ErrorMessage>;
  if (acceptances.data.items.length === 0) return <p>No risk acceptances.</p>;
  return (
    <ul className="risk-acceptances">
      {acceptances.data.items.map((ra) => (
        <li key={ra.id} className="card stack">
          <h3>{ra.name}</h3>
          <dl className="details">
            <dt>State</dt>
            <dd>{ra.state === 'active' ? 'Active' : `Expired${ra.expired_at ? ` on ${ra.expired_at.slice(0, 10)}` : ''}`}</dd>
            <dt>Expires</dt>
            <dd>{ra.expires_on ?? 'Never'}</dd>
            <dt>Owner</dt>
            <dd>{ra.owner?.username ?? 'None'}</dd>
            <dt>Decision</dt>
            <dd>{RISK_DECISION_LABELS[ra.decision]}</dd>
            {ra.decision_details && (
              <>
                <dt>Details</dt>
                <dd className="note-entry">{ra.decision_details}</dd>
              </>
            )}
            <dt>On expiry</dt>
            <dd>
              {ra.reactivate_expired ? 'Reactivate the findings' : 'Leave the findings accepted'}
              {ra.restart_sla_expired ? ', restart their SLA' : ''}
            </dd>
          </dl>
          <ul className="plain-list">
            {ra.findings.map((f) => (
              <li key={f.id}>
                <SeverityBadge severity={f.severity} /> <Link to={paths.findings.detail.getHref(f.id)}>{f.title}</Link>
              </li>
            ))}
          </ul>
        </li>
      ))}
    </ul>
  );
}

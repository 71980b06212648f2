import { RISK_DECISION_LABELS } from '@tocsin/contract/findings';
import type { TRiskAcceptance } from '@tocsin/contract/findings-api';
import { Link } from 'react-router-dom';
import { ErrorMessage } from '../../../components/messages';
import { paths } from '../../../config/paths';
import { getErrorMessage } from '../../../lib/api-client';
import { useProductRiskAcceptances } from '../api/get-product-risk-acceptances';
import { SeverityBadge } from './finding-badges';

/** One risk acceptance: state, expiry, owner, decision, what happens on expiry, and its findings. */
export function RiskAcceptanceCard({ acceptance: ra, headingLevel = 3 }: { acceptance: TRiskAcceptance; headingLevel?: 2 | 3 }) {
  const Heading = headingLevel === 2 ? 'h2' : 'h3';
  return (
    <div className="card stack">
      <Heading>{headingLevel === 3 ? <Link to={paths.riskAcceptances.detail.getHref(ra.id)}>{ra.name}</Link> : ra.name}</Heading>
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
    </div>
  );
}

/** A product's risk acceptances, newest first, each with its expiry and findings. */
export function RiskAcceptancesList({ productId }: { productId: number }) {
  const acceptances = useProductRiskAcceptances(productId);
  if (acceptances.isPending) return <p role="status">Loading risk acceptances…</p>;
  if (acceptances.isError) return <ErrorMessage>{getErrorMessage(acceptances.error)}</ErrorMessage>;
  if (acceptances.data.items.length === 0) return <p>No risk acceptances.</p>;
  return (
    <ul className="risk-acceptances">
      {acceptances.data.items.map((ra) => (
        <li key={ra.id}>
          <RiskAcceptanceCard acceptance={ra} />
        </li>
      ))}
    </ul>
  );
}

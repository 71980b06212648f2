/** A finding's details, SLA, status history and severity history. The description comes from a scan: rendered with the sanitised markdown component. */
import { FINDING_STATUS_LABELS } from '@tocsin/contract/findings';
import type { TFindingDetail, TSeverityChange, TStatusChange } from '@tocsin/contract/findings-api';
import { Link } from 'react-router-dom';
import { Markdown } from '../../../components/markdown';
import { RelativeTime } from '../../../components/relative-time';
import { paths } from '../../../config/paths';
import { SeverityBadge, SlaBadge, StatusLabel } from './finding-badges';

const SOURCE_LABELS: Record<TStatusChange['source'], string> = {
  import: 'Import',
  reimport: 'Re-import',
  manual: 'By hand',
  risk_acceptance: 'Risk acceptance',
  risk_acceptance_expired: 'Risk acceptance expired',
};

export const cweHref = (cwe: number) => `https://cwe.mitre.org/data/definitions/${cwe}.html`;

export function FindingDetails({ finding }: { finding: TFindingDetail }) {
  const { location } = finding;
  const lastChange = finding.status_history.at(-1);
  return (
    <>
      <dl className="details">
        <dt>Severity</dt>
        <dd>
          <SeverityBadge severity={finding.severity} />
        </dd>
        <dt>Status</dt>
        <dd>
          <StatusLabel status={finding.status} />
          {lastChange && (
            <span className="muted">
              {' '}
              since <RelativeTime value={lastChange.created_at} />
              {lastChange.changed_by ? `, by ${lastChange.changed_by.username}` : ', by the system'}
            </span>
          )}
        </dd>
        <dt>Tool</dt>
        <dd>
          {finding.tool}
          {finding.tool_version ? ` ${finding.tool_version}` : ''}
          {finding.rule_id && (
            <>
              {' '}
              · rule <span className="monospace">{finding.rule_id}</span>
            </>
          )}
        </dd>
        <dt>CWE</dt>
        <dd>
          {finding.cwe !== null ? (
            <a href={cweHref(finding.cwe)} target="_blank" rel="noopener noreferrer">
              CWE-{finding.cwe}
              <span className="visually-hidden"> (opens in a new tab)</span>
            </a>
          ) : (
            <span className="muted">None</span>
          )}
        </dd>
        <dt>Location</dt>
        <dd className="monospace cell-wrap">
          {location.file ? `${location.file}${location.line ? `:${location.line}` : ''}` : null}
          {location.component ? `${location.component}${location.component_version ? ` ${location.component_version}` : ''}` : null}
          {location.url}
          {!location.file && !location.component && !location.url && <span className="muted">None</span>}
        </dd>
        <dt>Found</dt>
        <dd>{finding.date_found}</dd>
        {finding.mitigated_on && (
          <>
            <dt>Mitigated</dt>
            <dd>
              {finding.mitigated_on}
              {finding.mitigated_by ? ` by ${finding.mitigated_by.username}` : ''}
            </dd>
          </>
        )}
        <dt>Test</dt>
        <dd>
          <Link to={paths.tests.detail.getHref(finding.test_id)}>{finding.test_title}</Link> in{' '}
          <Link to={paths.engagements.detail.getHref(finding.engagement_id)}>{finding.engagement_name}</Link>
        </dd>
        <dt>Product</dt>
        <dd>
          <Link to={paths.products.detail.getHref(finding.product_id)}>{finding.product_name}</Link>
        </dd>
        {finding.vulnerability_ids.length > 0 && (
          <>
            <dt>Vulnerability ids</dt>
            <dd>{finding.vulnerability_ids.join(', ')}</dd>
          </>
        )}
        {finding.tags.length > 0 && (
          <>
            <dt>Tags</dt>
            <dd>{finding.tags.join(', ')}</dd>
          </>
        )}
        {finding.risk_acceptance && (
          <>
            <dt>Risk acceptance</dt>
            <dd>
              <Link to={paths.riskAcceptances.detail.getHref(finding.risk_acceptance.id)}>{finding.risk_acceptance.name}</Link>
              {finding.risk_acceptance.expires_on ? `, expires ${finding.risk_acceptance.expires_on}` : ', does not expire'}
            </dd>
          </>
        )}
      </dl>

      <section aria-labelledby="finding-description-heading">
        <h2 id="finding-description-heading">Description</h2>
        <Markdown>{finding.description || '_No description._'}</Markdown>
        {finding.mitigation && (
          <>
            <h3>Mitigation</h3>
            <Markdown>{finding.mitigation}</Markdown>
          </>
        )}
        {finding.impact && (
          <>
            <h3>Impact</h3>
            <Markdown>{finding.impact}</Markdown>
          </>
        )}
        {finding.references && (
          <>
            <h3>References</h3>
            <Markdown>{finding.references}</Markdown>
          </>
        )}
      </section>
    </>
  );
}

export function FindingSla({ finding }: { finding: TFindingDetail }) {
  const { sla, sla_detail: detail } = finding;
  return (
    <section aria-labelledby="finding-sla-heading">
      <h2 id="finding-sla-heading">SLA</h2>
      <dl className="details">
        <dt>Days left</dt>
        <dd>
          <SlaBadge sla={sla} />
        </dd>
        <dt>Expires on</dt>
        <dd>{sla.expires_on ?? <span className="muted">No SLA for {finding.severity}</span>}</dd>
        <dt>Configuration</dt>
        <dd>
          {detail.configuration.name}
          {detail.configuration.is_default ? ' (default)' : ''}: {detail.days === null ? 'no SLA' : `${detail.days} days`} for{' '}
          {finding.severity}, from {detail.start_date}
        </dd>
      </dl>
    </section>
  );
}

export function StatusHistory({ history }: { history: readonly TStatusChange[] }) {
  return (
    <section aria-labelledby="finding-history-heading">
      <h2 id="finding-history-heading">Status history</h2>
      <div className="table-wrap">
        <table className="table table-stack">
          <caption className="visually-hidden">Status history, oldest first</caption>
          <thead>
            <tr>
              <th scope="col">Status</th>
              <th scope="col">By</th>
              <th scope="col">How</th>
              <th scope="col">When</th>
              <th scope="col">Note</th>
            </tr>
          </thead>
          <tbody>
            {history.map((change) => (
              <tr key={change.id}>
                <td className="cell-primary">
                  {change.from ? `${FINDING_STATUS_LABELS[change.from]} → ` : ''}
                  {FINDING_STATUS_LABELS[change.to]}
                </td>
                <td data-label="By">{change.changed_by?.username ?? <span className="muted">System</span>}</td>
                <td data-label="How">{SOURCE_LABELS[change.source]}</td>
                <td data-label="When">
                  <RelativeTime value={change.created_at} />
                </td>
                <td data-label="Note" className="cell-wrap note-entry">
                  {change.note ?? ''}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

/** People's corrections of the severity: who, when, from → to, why, and how the SLA expiry moved. */
export function SeverityHistory({ history }: { history: readonly TSeverityChange[] }) {
  return (
    <section aria-labelledby="finding-severity-history-heading">
      <h2 id="finding-severity-history-heading">Severity history</h2>
      {history.length === 0 ? (
        <p>The severity is as the scan reported it.</p>
      ) : (
        <div className="table-wrap">
          <table className="table table-stack">
            <caption className="visually-hidden">Severity changes, oldest first</caption>
            <thead>
              <tr>
                <th scope="col">Severity</th>
                <th scope="col">By</th>
                <th scope="col">When</th>
                <th scope="col">SLA expiry</th>
                <th scope="col">Reason</th>
              </tr>
            </thead>
            <tbody>
              {history.map((change) => (
                <tr key={change.id}>
                  <td className="cell-primary">
                    {change.from} → {change.to}
                  </td>
                  <td data-label="By">{change.changed_by?.username ?? <span className="muted">A deleted user</span>}</td>
                  <td data-label="When">
                    <RelativeTime value={change.created_at} />
                  </td>
                  <td data-label="SLA expiry">
                    {change.sla_expires_before ?? 'No SLA'} → {change.sla_expires_after ?? 'No SLA'}
                  </td>
                  <td data-label="Reason" className="cell-wrap note-entry">
                    {change.reason}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

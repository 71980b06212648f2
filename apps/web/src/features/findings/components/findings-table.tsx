/**
 * A page of findings: most severe first, each with its SLA days left. With `selection`, every row has a
 * labelled checkbox (the product page's "Accept risk"); only open findings can be chosen.
 */
import { OPEN_FINDING_STATUSES } from '@tocsin/contract/findings';
import type { TFindingSummary } from '@tocsin/contract/findings-api';
import { Link } from 'react-router-dom';
import { paths } from '../../../config/paths';
import { SeverityBadge, SlaBadge, StatusLabel } from './finding-badges';

export type TFindingSelection = { ids: ReadonlySet<number>; onToggle: (id: number, isSelected: boolean) => void };

function locationOf(finding: TFindingSummary): string | null {
  const { file, line, component, component_version, url } = finding.location;
  if (file) return line ? `${file}:${line}` : file;
  if (component) return component_version ? `${component} ${component_version}` : component;
  return url;
}

export function FindingsTable({
  findings,
  caption,
  selection,
}: {
  findings: readonly TFindingSummary[];
  caption: string;
  selection?: TFindingSelection;
}) {
  return (
    <div className="table-wrap">
      <table className="table table-stack">
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            {selection && (
              <th scope="col">
                <span className="visually-hidden">Select</span>
              </th>
            )}
            <th scope="col">Title</th>
            <th scope="col">Severity</th>
            <th scope="col">Status</th>
            <th scope="col">SLA</th>
            <th scope="col">Location</th>
            <th scope="col">Found</th>
          </tr>
        </thead>
        <tbody>
          {findings.map((finding) => {
            const location = locationOf(finding);
            return (
              <tr key={finding.id}>
                {selection && (
                  <td>
                    <label className="checkbox-target">
                      <input
                        type="checkbox"
                        checked={selection.ids.has(finding.id)}
                        disabled={!OPEN_FINDING_STATUSES.has(finding.status)}
                        onChange={(e) => selection.onToggle(finding.id, e.target.checked)}
                      />
                      <span className="visually-hidden">Select {finding.title}</span>
                    </label>
                  </td>
                )}
                <td className="cell-primary cell-wrap">
                  <Link to={paths.findings.detail.getHref(finding.id)}>{finding.title}</Link>
                  {finding.tags.length > 0 && <span className="finding-tags"> {finding.tags.map((t) => `#${t}`).join(' ')}</span>}
                </td>
                <td data-label="Severity">
                  <SeverityBadge severity={finding.severity} />
                </td>
                <td data-label="Status">
                  <StatusLabel status={finding.status} />
                </td>
                <td data-label="SLA">
                  <SlaBadge sla={finding.sla} />
                </td>
                <td data-label="Location" className="cell-wrap monospace">
                  {location ?? <span className="muted">None</span>}
                </td>
                <td data-label="Found" className="cell-nowrap">
                  {finding.date_found}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

import type { TSeverityCounts, TTestSummary } from '@tocsin/contract/findings-api';
import { Link } from 'react-router-dom';
import { RelativeTime } from '../../../components/relative-time';
import { paths } from '../../../config/paths';

/** "2 Critical, 1 High" — the open findings of a test in words. */
export function formatOpenCounts(counts: TSeverityCounts): string {
  const parts = (['Critical', 'High', 'Medium', 'Low', 'Info'] as const).filter((s) => counts[s] > 0).map((s) => `${counts[s]} ${s}`);
  return parts.length ? parts.join(', ') : 'None';
}

export function TestsTable({ tests }: { tests: readonly TTestSummary[] }) {
  if (tests.length === 0) return <p>No tests yet. Import a scan to add one.</p>;
  return (
    <div className="table-wrap">
      <table className="table table-stack">
        <caption className="visually-hidden">Tests</caption>
        <thead>
          <tr>
            <th scope="col">Test</th>
            <th scope="col">Engagement</th>
            <th scope="col">Open findings</th>
            <th scope="col">Imports</th>
            <th scope="col">Last import</th>
          </tr>
        </thead>
        <tbody>
          {tests.map((test) => (
            <tr key={test.id}>
              <td className="cell-primary">
                <Link to={paths.tests.detail.getHref(test.id)}>{test.title}</Link>
              </td>
              <td data-label="Engagement">
                <Link to={paths.engagements.detail.getHref(test.engagement_id)}>{test.engagement_name}</Link>
              </td>
              <td data-label="Open findings">{formatOpenCounts(test.open_findings)}</td>
              <td data-label="Imports">{test.import_count}</td>
              <td data-label="Last import">{test.last_import_at ? <RelativeTime value={test.last_import_at} /> : 'Never'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

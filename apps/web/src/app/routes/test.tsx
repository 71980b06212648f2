import { Link, useParams, useSearchParams } from 'react-router-dom';
import { ErrorMessage } from '../../components/messages';
import { Pagination } from '../../components/pagination';
import { RelativeTime } from '../../components/relative-time';
import { paths } from '../../config/paths';
import { FINDINGS_PAGE_SIZE, useProductFindings } from '../../features/findings/api/get-product-findings';
import { useTest } from '../../features/findings/api/get-test';
import { FindingsTable } from '../../features/findings/components/findings-table';
import { ImportScanForm } from '../../features/findings/components/import-scan-form';
import { formatOpenCounts } from '../../features/findings/components/tests-table';
import { NO_FINDING_FILTERS, readPage } from '../../features/findings/utils/filters';
import { useProduct } from '../../features/products/api/get-product';
import { useDocumentTitle } from '../../hooks/use-document-title';
import { ApiError, getErrorMessage } from '../../lib/api-client';
import { useUser } from '../../lib/auth';
import { parseId } from '../../lib/parse-id';
import { hasRoleAtLeast } from '../../lib/roles';

export function Component() {
  const testId = parseId(useParams().id);
  if (testId === null) return <NotFound />;
  return <TestPage testId={testId} />;
}

function TestPage({ testId }: { testId: number }) {
  const test = useTest(testId);
  useDocumentTitle(test.data ? `${test.data.title} (test ${testId})` : 'Test');
  if (test.isPending) return <p role="status">Loading the test…</p>;
  if (test.isError && test.error instanceof ApiError && test.error.status === 404) return <NotFound />;
  if (test.isError) return <ErrorMessage>{getErrorMessage(test.error)}</ErrorMessage>;
  const t = test.data;
  return (
    <article>
      <h1>{t.title}</h1>
      <dl className="details">
        <dt>Product</dt>
        <dd>
          <Link to={paths.products.detail.getHref(t.product_id)}>{t.product_name}</Link>
        </dd>
        <dt>Engagement</dt>
        <dd>
          <Link to={paths.engagements.detail.getHref(t.engagement_id)}>{t.engagement_name}</Link>
        </dd>
        <dt>Open findings</dt>
        <dd>{formatOpenCounts(t.open_findings)}</dd>
        <dt>Created</dt>
        <dd>
          <RelativeTime value={t.created_at} />
          {t.created_by ? ` by ${t.created_by.username}` : ''}
        </dd>
      </dl>

      <section aria-labelledby="imports-heading">
        <h2 id="imports-heading">Imports</h2>
        <div className="table-wrap">
          <table className="table table-stack">
            <caption className="visually-hidden">Imports, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Imported</th>
                <th scope="col">File</th>
                <th scope="col">New</th>
                <th scope="col">Reactivated</th>
                <th scope="col">Mitigated</th>
                <th scope="col">Untouched</th>
                <th scope="col">By</th>
              </tr>
            </thead>
            <tbody>
              {t.imports.map((imp) => (
                <tr key={imp.id}>
                  <td className="cell-primary">
                    {imp.is_reimport ? 'Re-import' : 'Import'} <RelativeTime value={imp.created_at} /> (scan date {imp.scan_date})
                  </td>
                  <td data-label="File" className="cell-wrap">
                    {imp.file_name}
                  </td>
                  <td data-label="New">{imp.new}</td>
                  <td data-label="Reactivated">{imp.reactivated}</td>
                  <td data-label="Mitigated">{imp.mitigated}</td>
                  <td data-label="Untouched">{imp.untouched}</td>
                  <td data-label="By">{imp.imported_by?.username ?? <span className="muted">Unknown</span>}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>

      <TestFindings productId={t.product_id} testId={t.id} />
      <TestReimport productId={t.product_id} testId={t.id} />
    </article>
  );
}

function TestFindings({ productId, testId }: { productId: number; testId: number }) {
  const [params, setParams] = useSearchParams();
  const page = readPage(params);
  const findings = useProductFindings({ productId, filters: NO_FINDING_FILTERS, scope: { testId }, page });
  return (
    <section aria-labelledby="test-findings-heading">
      <h2 id="test-findings-heading">Findings</h2>
      {findings.isPending && <p role="status">Loading findings…</p>}
      {findings.isError && <ErrorMessage>{getErrorMessage(findings.error)}</ErrorMessage>}
      {findings.isSuccess &&
        (findings.data.items.length === 0 ? (
          <p>No findings.</p>
        ) : (
          <FindingsTable findings={findings.data.items} caption="Findings of this test" />
        ))}
      {findings.isSuccess && (
        <Pagination
          page={page}
          total={findings.data.total}
          pageSize={FINDINGS_PAGE_SIZE}
          label="Findings pages"
          onPageChange={(next) => setParams(next > 1 ? { page: String(next) } : {})}
        />
      )}
    </section>
  );
}

/** Re-import is for Writers and up on the product; the product detail carries the caller's role. */
function TestReimport({ productId, testId }: { productId: number; testId: number }) {
  const product = useProduct(productId);
  const user = useUser();
  const canWrite = user.is_superuser || hasRoleAtLeast(product.data?.role, 'Writer');
  if (!canWrite) return null;
  return <ImportScanForm target={{ kind: 'test', testId }} />;
}

function NotFound() {
  useDocumentTitle('Test not found');
  return (
    <section>
      <h1>Test not found.</h1>
      <p>It does not exist, or you do not have access to it.</p>
      <p>
        <Link to={paths.products.getHref()}>Back to products</Link>
      </p>
    </section>
  );
}

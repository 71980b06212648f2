/** An engagement: its details, its tests, its notes (with @mentions) and, for Writers and up, close and reopen. */
import { Link, useParams } from 'react-router-dom';
import { ErrorMessage } from '../../components/messages';
import { paths } from '../../config/paths';
import { useProductTests } from '../../features/findings/api/get-product-tests';
import { NotesSection } from '../../features/findings/components/notes-section';
import { TestsTable } from '../../features/findings/components/tests-table';
import { useEngagement } from '../../features/products/api/get-engagement';
import { EngagementStatusActions } from '../../features/products/components/engagement-status-actions';
import { useDocumentTitle } from '../../hooks/use-document-title';
import { ApiError, getErrorMessage } from '../../lib/api-client';
import { useUser } from '../../lib/auth';
import { parseId } from '../../lib/parse-id';

export function Component() {
  const engagementId = parseId(useParams().id);
  if (engagementId === null) return <NotFound />;
  return <EngagementPage engagementId={engagementId} />;
}

function EngagementPage({ engagementId }: { engagementId: number }) {
  const engagement = useEngagement(engagementId);
  const user = useUser();
  useDocumentTitle(engagement.data ? `${engagement.data.name} (engagement)` : 'Engagement');
  if (engagement.isPending) return <p role="status">Loading the engagement…</p>;
  // The BFF answers 404 for an engagement the caller may not see, so both look the same here.
  if (engagement.isError && engagement.error instanceof ApiError && engagement.error.status === 404) return <NotFound />;
  if (engagement.isError) return <ErrorMessage>{getErrorMessage(engagement.error)}</ErrorMessage>;
  const e = engagement.data;
  return (
    <article>
      <p className="breadcrumbs">
        <Link to={paths.products.detail.getHref(e.product_id)}>{e.product_name}</Link>
      </p>
      <h1 className="cell-wrap">{e.name}</h1>
      <dl className="details">
        <dt>Product</dt>
        <dd>
          <Link to={paths.products.detail.getHref(e.product_id)}>{e.product_name}</Link>
        </dd>
        <dt>Status</dt>
        <dd>{e.status}</dd>
        <dt>Lead</dt>
        <dd>{e.lead_username ?? <span className="muted">None</span>}</dd>
        <dt>Target start</dt>
        <dd>{e.target_start}</dd>
        <dt>Target end</dt>
        <dd>{e.target_end}</dd>
      </dl>
      <EngagementStatusActions engagement={e} />
      <EngagementTests productId={e.product_id} engagementId={e.id} />
      <div id="notes">
        <NotesSection target={{ kind: 'engagement', id: e.id }} canWritePrivate={user.is_superuser} />
      </div>
    </article>
  );
}

/** The product's tests (one request, newest first) that belong to this engagement. */
function EngagementTests({ productId, engagementId }: { productId: number; engagementId: number }) {
  const tests = useProductTests(productId);
  return (
    <section aria-labelledby="engagement-tests-heading">
      <h2 id="engagement-tests-heading">Tests</h2>
      {tests.isPending && <p role="status">Loading tests…</p>}
      {tests.isError && <ErrorMessage>{getErrorMessage(tests.error)}</ErrorMessage>}
      {tests.isSuccess && <TestsTable tests={tests.data.filter((t) => t.engagement_id === engagementId)} />}
    </section>
  );
}

function NotFound() {
  useDocumentTitle('Engagement not found');
  return (
    <section>
      <h1>Engagement not found.</h1>
      <p>It does not exist, or you do not have access to it.</p>
      <p>
        <Link to={paths.products.getHref()}>Back to products</Link>
      </p>
    </section>
  );
}

import { Link, useParams } from 'react-router-dom';
import { ErrorMessage } from '../../components/messages';
import { paths } from '../../config/paths';
import { useFinding } from '../../features/findings/api/get-finding';
import { FindingDetails, FindingSla, SeverityHistory, StatusHistory } from '../../features/findings/components/finding-details';
import { NotesSection } from '../../features/findings/components/notes-section';
import { ReviewsSection } from '../../features/findings/components/reviews-section';
import { SeverityChangeForm } from '../../features/findings/components/severity-change-form';
import { StatusChangeForm } from '../../features/findings/components/status-change-form';
import { useDocumentTitle } from '../../hooks/use-document-title';
import { useScrollToHash } from '../../hooks/use-scroll-to-hash';
import { ApiError, getErrorMessage } from '../../lib/api-client';
import { useUser } from '../../lib/auth';
import { parseId } from '../../lib/parse-id';

export function Component() {
  const findingId = parseId(useParams().id);
  if (findingId === null) return <NotFound />;
  return <FindingPage findingId={findingId} />;
}

function FindingPage({ findingId }: { findingId: number }) {
  const finding = useFinding(findingId);
  const user = useUser();
  useDocumentTitle(finding.data?.title ?? 'Finding');
  useScrollToHash(finding.isSuccess);
  if (finding.isPending) return <p role="status">Loading the finding…</p>;
  if (finding.isError && finding.error instanceof ApiError && finding.error.status === 404) return <NotFound />;
  if (finding.isError) return <ErrorMessage>{getErrorMessage(finding.error)}</ErrorMessage>;
  const f = finding.data;
  return (
    <article>
      <p className="breadcrumbs">
        <Link to={paths.products.detail.getHref(f.product_id)}>{f.product_name}</Link> ›{' '}
        <Link to={paths.engagements.detail.getHref(f.engagement_id)}>{f.engagement_name}</Link> ›{' '}
        <Link to={paths.tests.detail.getHref(f.test_id)}>{f.test_title}</Link>
      </p>
      <h1 className="cell-wrap">{f.title}</h1>
      <FindingDetails finding={f} />
      <FindingSla finding={f} />
      <StatusHistory history={f.status_history} />
      <SeverityHistory history={f.severity_history} />
      {f.can_edit && <StatusChangeForm finding={f} />}
      {f.can_edit && <SeverityChangeForm finding={f} />}
      <ReviewsSection finding={f} />
      <NotesSection target={{ kind: 'finding', id: f.id }} canWritePrivate={user.is_superuser} />
    </article>
  );
}

function NotFound() {
  useDocumentTitle('Finding not found');
  return (
    <section>
      <h1>Finding not found.</h1>
      <p>It does not exist, or you do not have access to it.</p>
      <p>
        <Link to={paths.products.getHref()}>Back to products</Link>
      </p>
    </section>
  );
}

import { Link, useParams } from 'react-router-dom';
import { ErrorMessage } from '../../components/messages';
import { paths } from '../../config/paths';
import { useRiskAcceptance } from '../../features/findings/api/get-risk-acceptance';
import { RiskAcceptanceCard } from '../../features/findings/components/risk-acceptances-list';
import { useDocumentTitle } from '../../hooks/use-document-title';
import { ApiError, getErrorMessage } from '../../lib/api-client';
import { parseId } from '../../lib/parse-id';

/** One risk acceptance: where its notices (heads-up, expired) link to. */
export function Component() {
  const id = parseId(useParams().id);
  const acceptance = useRiskAcceptance(id ?? 0);
  useDocumentTitle(acceptance.data?.name ?? 'Risk acceptance');
  if (id === null || (acceptance.error instanceof ApiError && acceptance.error.status === 404)) {
    return (
      <section>
        <h1>Risk acceptance not found.</h1>
        <p>It does not exist, or you do not have access to it.</p>
      </section>
    );
  }
  if (acceptance.isPending) return <p role="status">Loading the risk acceptance…</p>;
  if (acceptance.isError) return <ErrorMessage>{getErrorMessage(acceptance.error)}</ErrorMessage>;
  const ra = acceptance.data;
  return (
    <article>
      <p className="breadcrumbs">
        <Link to={paths.products.detail.getHref(ra.product_id)}>{ra.product_name}</Link>
        {ra.engagement_name ? ` › ${ra.engagement_name}` : ''}
      </p>
      <h1>Risk acceptance</h1>
      <RiskAcceptanceCard acceptance={ra} headingLevel={2} />
    </article>
  );
}

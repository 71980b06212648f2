import { Link, useParams } from 'react-router-dom';
import { ErrorMessage } from '../../components/messages';
import { paths } from '../../config/paths';
import { useAlert } from '../../features/alerts/api/get-alert';
import { AlertDetail } from '../../features/alerts/components/alert-detail';
import { useDocumentTitle } from '../../hooks/use-document-title';
import { ApiError, getErrorMessage } from '../../lib/api-client';
import { parseId } from '../../lib/parse-id';

export function Component() {
  useDocumentTitle('Alert');
  const id = parseId(useParams().id);
  if (id === null) return <AlertNotFound />;
  return <AlertPage id={id} />;
}

function AlertPage({ id }: { id: number }) {
  const alert = useAlert(id);
  if (alert.isPending) return <p role="status">Loading the alert…</p>;
  if (alert.isError && alert.error instanceof ApiError && alert.error.status === 404) return <AlertNotFound />;
  if (alert.isError) return <ErrorMessage>{getErrorMessage(alert.error)}</ErrorMessage>;
  return (
    <article>
      <p>
        <Link to={paths.alerts.getHref()}>All alerts</Link>
      </p>
      <h1>{alert.data.title}</h1>
      <AlertDetail alert={alert.data} />
    </article>
  );
}

function AlertNotFound() {
  return (
    <section>
      <h1>Alert not found.</h1>
      <p>It may have been removed, or it is not in your list.</p>
      <p>
        <Link to={paths.alerts.getHref()}>Back to your alerts</Link>
      </p>
    </section>
  );
}

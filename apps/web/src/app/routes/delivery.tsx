import { Link, useParams } from 'react-router-dom';
import { ErrorMessage } from '../../components/messages';
import { paths } from '../../config/paths';
import { useDelivery } from '../../features/deliveries/api/get-delivery';
import { DeliveryDetail } from '../../features/deliveries/components/delivery-detail';
import { useDocumentTitle } from '../../hooks/use-document-title';
import { ApiError, getErrorMessage } from '../../lib/api-client';
import { parseId } from '../../lib/parse-id';

export function Component() {
  useDocumentTitle('Delivery');
  const id = parseId(useParams().id);
  if (id === null) return <DeliveryNotFound />;
  return <DeliveryPage id={id} />;
}

function DeliveryPage({ id }: { id: number }) {
  const delivery = useDelivery(id);
  if (delivery.isPending) return <p role="status">Loading the delivery…</p>;
  if (delivery.isError && delivery.error instanceof ApiError && delivery.error.status === 404) return <DeliveryNotFound />;
  if (delivery.isError) return <ErrorMessage>{getErrorMessage(delivery.error)}</ErrorMessage>;
  return (
    <article>
      <p>
        <Link to={paths.deliveries.getHref()}>Delivery Log</Link>
      </p>
      <h1>Delivery {delivery.data.id}</h1>
      <DeliveryDetail delivery={delivery.data} />
    </article>
  );
}

function DeliveryNotFound() {
  return (
    <section>
      <h1>Delivery not found.</h1>
      <p>
        <Link to={paths.deliveries.getHref()}>Back to the Delivery Log</Link>
      </p>
    </section>
  );
}

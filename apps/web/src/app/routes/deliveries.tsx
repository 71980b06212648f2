import { EXTERNAL_CHANNELS, type TExternalChannel } from '@tocsin/contract/catalogue';
import { DELIVERY_STATUSES, type TDeliveryStatus } from '@tocsin/contract/deliveries';
import { useSearchParams } from 'react-router-dom';
import { ErrorMessage } from '../../components/messages';
import { Pagination } from '../../components/pagination';
import { paths } from '../../config/paths';
import { type TDeliveryFilters, toDeliveriesSearch, useDeliveries } from '../../features/deliveries/api/get-deliveries';
import { useDeliveryStats } from '../../features/deliveries/api/get-delivery-stats';
import { DeliveriesTable } from '../../features/deliveries/components/deliveries-table';
import { DeliveryFilters } from '../../features/deliveries/components/delivery-filters';
import { DeliveryStatsChart } from '../../features/deliveries/components/delivery-stats-chart';
import { useDocumentTitle } from '../../hooks/use-document-title';
import { getErrorMessage } from '../../lib/api-client';
import { useUser } from '../../lib/auth';

const parseDestinationId = (value: string | null) => {
  const id = Number(value);
  return value !== null && Number.isInteger(id) && id > 0 ? id : undefined;
};

/** Filters live in the URL, so a filtered log can be reloaded and shared. Unknown values are ignored. */
function readFilters(params: URLSearchParams): TDeliveryFilters {
  const status = params.get('status');
  const channel = params.get('channel');
  const page = Number(params.get('page'));
  return {
    status: (DELIVERY_STATUSES as readonly string[]).includes(status ?? '') ? (status as TDeliveryStatus) : undefined,
    channel: (EXTERNAL_CHANNELS as readonly string[]).includes(channel ?? '') ? (channel as TExternalChannel) : undefined,
    event: params.get('event') || undefined,
    destination_id: parseDestinationId(params.get('destination_id')),
    since: params.get('since') || undefined,
    until: params.get('until') || undefined,
    page: Number.isInteger(page) && page > 1 ? page : undefined,
  };
}

export function Component() {
  useDocumentTitle('Delivery Log');
  const user = useUser();
  const [params, setParams] = useSearchParams();
  const filters = readFilters(params);
  const deliveries = useDeliveries(filters);
  const stats = useDeliveryStats(24);
  const setFilters = (next: TDeliveryFilters) => setParams(new URLSearchParams(toDeliveriesSearch(next)));

  return (
    <section className="stack">
      <h1>Delivery Log</h1>
      <p className="muted">
        {user.is_superuser
          ? 'Every mail, Slack, Teams and webhook delivery, newest first.'
          : 'Your deliveries (mail, Slack DMs and your webhooks), newest first.'}
      </p>
      {stats.isError && <ErrorMessage>{getErrorMessage(stats.error)}</ErrorMessage>}
      {stats.data && <DeliveryStatsChart stats={stats.data} />}
      {filters.destination_id !== undefined && (
        <p>
          Showing the deliveries of destination #{filters.destination_id}.{' '}
          <button
            type="button"
            className="link-button"
            onClick={() => setFilters({ ...filters, destination_id: undefined, page: undefined })}
          >
            Show all deliveries
          </button>
        </p>
      )}
      <DeliveryFilters filters={filters} onChange={setFilters} />
      {deliveries.isPending && <p role="status">Loading deliveries…</p>}
      {deliveries.isError && <ErrorMessage>{getErrorMessage(deliveries.error)}</ErrorMessage>}
      {deliveries.data && (
        <>
          <p className="muted" aria-live="polite">
            {deliveries.data.total === 1 ? '1 delivery' : `${deliveries.data.total} deliveries`}
          </p>
          <DeliveriesTable deliveries={deliveries.data.items} getDetailHref={paths.deliveries.detail.getHref} />
          <Pagination
            page={deliveries.data.page}
            total={deliveries.data.total}
            pageSize={deliveries.data.page_size}
            onPageChange={(page) => setFilters({ ...filters, page })}
            label="Delivery pages"
          />
        </>
      )}
    </section>
  );
}

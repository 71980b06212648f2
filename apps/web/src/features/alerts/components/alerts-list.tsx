/**
 * The Alerts page: every alert in the user's list, newest first, 25 a page. Alerts are removed by
 * checking them and pressing "Remove selected"; nothing is ever removed by reading.
 */
import { useEffect, useRef, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { Icon } from '../../../components/icon';
import { Markdown } from '../../../components/markdown';
import { ErrorMessage, SuccessMessage } from '../../../components/messages';
import { getPageCount, Pagination } from '../../../components/pagination';
import { RelativeTime } from '../../../components/relative-time';
import { getErrorMessage } from '../../../lib/api-client';
import { ALERTS_PAGE_SIZE, useAlerts } from '../api/get-alerts';
import { useRemoveAlerts } from '../api/remove-alerts';
import { AlertLink } from './alert-link';

export function parsePageParam(value: string | null): number {
  const page = Number(value);
  return Number.isInteger(page) && page >= 1 ? page : 1;
}

export function AlertsList() {
  const [searchParams, setSearchParams] = useSearchParams();
  const page = parsePageParam(searchParams.get('page'));
  const alerts = useAlerts({ page });
  const remove = useRemoveAlerts();
  const [selected, setSelected] = useState<ReadonlySet<number>>(new Set());
  const [notice, setNotice] = useState<string | null>(null);
  const selectAllRef = useRef<HTMLInputElement>(null);

  const setPage = (next: number) => {
    setSearchParams(next > 1 ? { page: String(next) } : {}, { replace: false });
  };

  // Data for this exact page (not the previous page kept on screen while loading).
  const data = alerts.data && alerts.data.page === page ? alerts.data : undefined;
  const items = alerts.data?.items ?? [];

  // Only ids still on screen can stay selected: a live update or another tab may have removed some.
  const visibleIds = items.map((a) => a.id);
  const selectedOnPage = visibleIds.filter((id) => selected.has(id));
  const isAllSelected = visibleIds.length > 0 && selectedOnPage.length === visibleIds.length;
  const isSomeSelected = selectedOnPage.length > 0 && !isAllSelected;

  useEffect(() => {
    if (selectAllRef.current) selectAllRef.current.indeterminate = isSomeSelected;
  }, [isSomeSelected]);

  // A new page starts with nothing selected.
  // biome-ignore lint/correctness/useExhaustiveDependencies: reset on page change only.
  useEffect(() => {
    setSelected(new Set());
  }, [page]);

  // After removing everything on the last page (here or in another tab), show the new last page.
  useEffect(() => {
    if (!data || data.items.length > 0 || page <= 1) return;
    const lastPage = getPageCount(data.total, data.page_size);
    if (lastPage < page) setSearchParams(lastPage > 1 ? { page: String(lastPage) } : {}, { replace: true });
  }, [data, page, setSearchParams]);

  const toggle = (id: number, isChecked: boolean) => {
    setSelected((old) => {
      const next = new Set(old);
      if (isChecked) next.add(id);
      else next.delete(id);
      return next;
    });
  };

  const toggleAll = (isChecked: boolean) => {
    setSelected(isChecked ? new Set(visibleIds) : new Set());
  };

  const removeSelected = () => {
    if (selectedOnPage.length === 0) return;
    setNotice(null);
    remove.mutate(
      { ids: selectedOnPage },
      {
        onSuccess: (result) => {
          setSelected(new Set());
          setNotice(result.removed === 1 ? 'Removed 1 alert.' : `Removed ${result.removed} alerts.`);
        },
      },
    );
  };

  if (alerts.isPending) {
    return (
      <p className="muted" role="status">
        Loading alerts…
      </p>
    );
  }
  if (alerts.isError) {
    return (
      <div>
        <ErrorMessage>{getErrorMessage(alerts.error)}</ErrorMessage>
        <button type="button" className="button" onClick={() => void alerts.refetch()}>
          Try again
        </button>
      </div>
    );
  }

  const total = alerts.data.total;
  const count = selectedOnPage.length;

  return (
    <div className="alerts-page">
      {total > 0 && (
        <p className="muted">
          {total === 1 ? '1 alert' : `${total} alerts`} in your list. Reading an alert does not remove it: check the ones you no longer need
          and press Remove selected.
        </p>
      )}
      {notice && <SuccessMessage>{notice}</SuccessMessage>}
      {remove.isError && <ErrorMessage>{getErrorMessage(remove.error)}</ErrorMessage>}

      {items.length === 0 ? (
        <p className="empty-state">No alerts found.</p>
      ) : (
        <div className="table-wrap">
          <table className="table alerts-table" aria-busy={alerts.isFetching && !data}>
            <caption className="visually-hidden">Your alerts, newest first</caption>
            <thead>
              <tr>
                <th scope="col" className="col-select">
                  <input
                    ref={selectAllRef}
                    type="checkbox"
                    aria-label="Select all alerts on this page"
                    checked={isAllSelected}
                    onChange={(e) => toggleAll(e.target.checked)}
                  />
                </th>
                <th scope="col" className="col-icon">
                  Type
                </th>
                <th scope="col">Source</th>
                <th scope="col">Title</th>
                <th scope="col">Description</th>
                <th scope="col" className="col-created">
                  Created
                </th>
              </tr>
            </thead>
            <tbody>
              {items.map((alert) => (
                <tr key={alert.id} className={selected.has(alert.id) ? 'is-selected' : undefined}>
                  <td className="col-select">
                    <input
                      type="checkbox"
                      aria-label={`Select alert: ${alert.title}`}
                      checked={selected.has(alert.id)}
                      onChange={(e) => toggle(alert.id, e.target.checked)}
                    />
                  </td>
                  <td className="col-icon">
                    <Icon name={alert.icon} />
                  </td>
                  <td>{alert.source}</td>
                  <td className="col-title">
                    <AlertLink url={alert.url}>{alert.title}</AlertLink>
                  </td>
                  <td className="col-description">{alert.description ? <Markdown>{alert.description}</Markdown> : null}</td>
                  <td className="col-created">
                    <RelativeTime value={alert.created} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}

      <div className="list-footer">
        <Pagination
          page={page}
          total={total}
          pageSize={alerts.data.page_size || ALERTS_PAGE_SIZE}
          onPageChange={setPage}
          label="Alerts pages"
        />
        {items.length > 0 && (
          <button type="button" className="button button-danger" disabled={count === 0 || remove.isPending} onClick={removeSelected}>
            {count === 0 ? 'Remove selected' : `Remove selected (${count})`}
          </button>
        )}
      </div>
    </div>
  );
}

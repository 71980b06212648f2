/**
 * The Alerts page: every alert in the user's list, newest first, 25 a page. Alerts are removed by
 * checking them and pressing "Remove selected" in the bar that appears at the bottom right; nothing is
 * ever removed by reading. The removal reaches the server at once; the toast that follows offers Undo.
 */
import { useEffect, useRef, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { Icon } from '../../../components/icon';
import { Markdown } from '../../../components/markdown';
import { ErrorMessage } from '../../../components/messages';
import { getPageCount, Pagination } from '../../../components/pagination';
import { RelativeTime } from '../../../components/relative-time';
import { getErrorMessage } from '../../../lib/api-client';
import { ALERTS_PAGE_SIZE, useAlerts } from '../api/get-alerts';
import { useRemoveAlerts } from '../api/remove-alerts';
import { useRemovalToast } from '../hooks/use-removal-toast';
import {
  EMPTY_SELECTION,
  getHeaderState,
  getSelectedOnPage,
  pruneSelection,
  type TSelection,
  toggleAllOnPage,
  toggleRow,
} from '../utils/selection';
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
  const announceRemoval = useRemovalToast();
  const [selection, setSelection] = useState<TSelection>(EMPTY_SELECTION);
  const selectAllRef = useRef<HTMLInputElement>(null);
  const listRef = useRef<HTMLDivElement>(null);

  const setPage = (next: number) => {
    setSearchParams(next > 1 ? { page: String(next) } : {}, { replace: false });
  };

  // Data for this exact page (not the previous page kept on screen while loading).
  const data = alerts.data && alerts.data.page === page ? alerts.data : undefined;
  const items = alerts.data?.items ?? [];
  const pageIds = items.map((a) => a.id);
  const pageIdsKey = pageIds.join(',');

  const selectedOnPage = getSelectedOnPage(selection, pageIds);
  const headerState = getHeaderState(selection, pageIds);
  const count = selectedOnPage.length;

  // Only ids still listed can stay selected: a live update, another tab or a new page changes the list.
  // biome-ignore lint/correctness/useExhaustiveDependencies: pageIdsKey stands for pageIds.
  useEffect(() => {
    setSelection((old) => pruneSelection(old, pageIds));
  }, [pageIdsKey]);

  useEffect(() => {
    if (selectAllRef.current) selectAllRef.current.indeterminate = headerState === 'some';
  }, [headerState]);

  // After removing everything on the last page (here or in another tab), show the new last page.
  useEffect(() => {
    if (!data || data.items.length > 0 || page <= 1) return;
    const lastPage = getPageCount(data.total, data.page_size);
    if (lastPage < page) setSearchParams(lastPage > 1 ? { page: String(lastPage) } : {}, { replace: true });
  }, [data, page, setSearchParams]);

  const removeSelected = () => {
    const ids = getSelectedOnPage(selection, pageIds);
    if (ids.length === 0) return;
    remove.mutate(
      { ids },
      {
        onSuccess: (result) => {
          setSelection(EMPTY_SELECTION);
          // The bar (and the button just pressed) goes away: focus moves to Undo, and back to the list after.
          announceRemoval({ kind: 'removed', removed: result.removed, ids, isActionFocused: true, returnFocusTo: listRef });
        },
      },
    );
  };

  const clearSelection = () => {
    setSelection(EMPTY_SELECTION);
    selectAllRef.current?.focus();
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

  return (
    <div className={count > 0 ? 'alerts-page has-selection' : 'alerts-page'} ref={listRef} tabIndex={-1}>
      {total > 0 && (
        <p className="muted">
          {total === 1 ? '1 alert' : `${total} alerts`} in your list. Reading an alert does not remove it: check the ones you no longer need
          and press Remove selected.
        </p>
      )}

      {items.length === 0 ? (
        <p className="empty-state">No alerts found.</p>
      ) : (
        <div className="table-wrap table-wrap-cards">
          <table className="table alerts-table" aria-busy={alerts.isFetching && !data}>
            <caption className="visually-hidden">Your alerts, newest first</caption>
            <thead>
              <tr>
                <th scope="col" className="col-select">
                  <label className="checkbox-target">
                    <input
                      ref={selectAllRef}
                      type="checkbox"
                      aria-label="Select all alerts on this page"
                      checked={headerState === 'all'}
                      onChange={(e) => setSelection(toggleAllOnPage(pageIds, e.target.checked))}
                    />
                    <span className="select-all-text" aria-hidden="true">
                      Select all
                    </span>
                  </label>
                </th>
                <th scope="col" className="col-icon">
                  Type
                </th>
                <th scope="col" className="col-source">
                  Source
                </th>
                <th scope="col" className="col-title">
                  Title
                </th>
                <th scope="col" className="col-description">
                  Description
                </th>
                <th scope="col" className="col-created">
                  Created
                </th>
              </tr>
            </thead>
            <tbody>
              {items.map((alert) => (
                <tr key={alert.id} className={selection.has(alert.id) ? 'is-selected' : undefined}>
                  <td className="col-select">
                    <label className="checkbox-target">
                      <input
                        type="checkbox"
                        aria-label={`Select alert: ${alert.title}`}
                        checked={selection.has(alert.id)}
                        onChange={(e) => setSelection((old) => toggleRow(old, alert.id, e.target.checked))}
                      />
                    </label>
                  </td>
                  <td className="col-icon">
                    <Icon name={alert.icon} />
                  </td>
                  <td className="col-source">{alert.source}</td>
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
      </div>

      {count > 0 && (
        <section className="selection-bar" aria-label="Selected alerts">
          {remove.isError && <ErrorMessage>{getErrorMessage(remove.error)}</ErrorMessage>}
          <p className="selection-bar-count">{count} selected</p>
          <button
            type="button"
            className="button button-danger"
            disabled={remove.isPending}
            aria-busy={remove.isPending}
            onClick={removeSelected}
          >
            {remove.isPending ? 'Removing…' : 'Remove selected'}
          </button>
          <button type="button" className="button" onClick={clearSelection}>
            Clear selection
          </button>
        </section>
      )}
    </div>
  );
}

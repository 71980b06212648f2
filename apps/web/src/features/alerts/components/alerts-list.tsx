/**
 * The Alerts page: every alert in the user's list, newest first, 25 a page, narrowed by the filters in the
 * address. Alerts are removed by checking them and pressing "Remove selected" in the bar that appears at the
 * bottom right; nothing is ever removed by reading. The removal reaches the server at once; the toast that
 * follows offers Undo. Alerts that arrived since the person last looked are marked New; opening the page is
 * looking (the marks stay until the list next loads).
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { Icon } from '../../../components/icon';
import { Markdown } from '../../../components/markdown';
import { ErrorMessage } from '../../../components/messages';
import { getPageCount, Pagination } from '../../../components/pagination';
import { RelativeTime } from '../../../components/relative-time';
import { paths } from '../../../config/paths';
import { getErrorMessage } from '../../../lib/api-client';
import { ALERTS_PAGE_SIZE, useAlerts } from '../api/get-alerts';
import { useMarkAlertsSeen } from '../api/mark-alerts-seen';
import { useRemoveAlerts } from '../api/remove-alerts';
import { useRemovalToast } from '../hooks/use-removal-toast';
import { hasFilters, parseAlertFilters, type TAlertFilters, toAlertsSearchParams } from '../utils/filters';
import {
  EMPTY_SELECTION,
  getHeaderState,
  getSelectedOnPage,
  pruneSelection,
  type TSelection,
  toggleAllOnPage,
  toggleRow,
} from '../utils/selection';
import { AlertFilters, type TProductOption } from './alert-filters';
import { AlertLink } from './alert-link';

export function parsePageParam(value: string | null): number {
  const page = Number(value);
  return Number.isInteger(page) && page >= 1 ? page : 1;
}

/** "3 alerts match", "1,000+ alerts match" (the server counts filtered matches up to a cap). */
export function describeMatches(total: number, isExact: boolean): string {
  if (!isExact) return `${total.toLocaleString('en')}+ alerts match`;
  return total === 1 ? '1 alert matches' : `${total.toLocaleString('en')} alerts match`;
}

export function AlertsList({ productOptions }: { productOptions?: readonly TProductOption[] }) {
  const [searchParams, setSearchParams] = useSearchParams();
  const page = parsePageParam(searchParams.get('page'));
  const searchKey = searchParams.toString();
  // biome-ignore lint/correctness/useExhaustiveDependencies: searchKey stands for searchParams.
  const filters = useMemo(() => parseAlertFilters(searchParams), [searchKey]);
  const isFiltered = hasFilters(filters);
  const alerts = useAlerts({ page, filters });
  const markSeen = useMarkAlertsSeen();
  const hasMarkedSeenRef = useRef(false);
  const remove = useRemoveAlerts();
  const announceRemoval = useRemovalToast();
  const [selection, setSelection] = useState<TSelection>(EMPTY_SELECTION);
  const selectAllRef = useRef<HTMLInputElement>(null);
  const listRef = useRef<HTMLDivElement>(null);

  const setPage = (next: number) => {
    setSearchParams(toAlertsSearchParams(filters, next), { replace: false });
  };

  const applyFilters = (next: TAlertFilters) => {
    setSearchParams(toAlertsSearchParams(next), { replace: false });
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
    if (lastPage < page) setSearchParams(toAlertsSearchParams(filters, lastPage), { replace: true });
  }, [data, page, filters, setSearchParams]);

  // Opening the page is looking: once the first page is on screen, the newest alert shown is seen.
  useEffect(() => {
    if (hasMarkedSeenRef.current || !data || data.new_count === 0) return;
    const newest = Math.max(0, ...data.items.map((a) => a.id));
    if (newest <= data.seen_through_id) return;
    hasMarkedSeenRef.current = true;
    markSeen.mutate(newest);
  }, [data, markSeen]);

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
      <AlertFilters filters={filters} productOptions={productOptions} onApply={applyFilters} />
      {isFiltered ? (
        <p className="muted" role="status">
          {describeMatches(total, alerts.data.total_is_exact)}.
        </p>
      ) : (
        total > 0 && (
          <p className="muted">
            {total === 1 ? '1 alert' : `${total} alerts`} in your list. Reading an alert does not remove it: check the ones you no longer
            need and press Remove selected.
          </p>
        )
      )}

      {items.length === 0 ? (
        <p className="empty-state">{isFiltered ? 'No alerts match these filters.' : 'No alerts found.'}</p>
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
                <tr
                  key={alert.id}
                  className={[selection.has(alert.id) ? 'is-selected' : '', alert.is_new ? 'is-new' : ''].join(' ').trim() || undefined}
                >
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
                  <td className="col-source">
                    {alert.source}
                    <span className="raised-by">Raised by {alert.raised_by}</span>
                  </td>
                  <td className="col-title">
                    {alert.is_new && <span className="new-mark">New</span>}
                    <AlertLink url={alert.url}>
                      <span id={`alert-title-${alert.id}`}>{alert.title}</span>
                    </AlertLink>{' '}
                    {alert.coalesced_count > 0 && (
                      <span className="coalesced">
                        and {alert.coalesced_count} more like this (last <RelativeTime value={alert.last_seen} />)
                      </span>
                    )}{' '}
                    {/* Named "Details" like its neighbours; the title it belongs to is its description. */}
                    <Link
                      to={paths.alerts.detail.getHref(alert.id)}
                      className="alert-details-link"
                      aria-describedby={`alert-title-${alert.id}`}
                    >
                      Details
                    </Link>
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

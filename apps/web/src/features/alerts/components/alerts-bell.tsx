/**
 * The bell at the top right of every page: the number of alerts in the user's list and a compact list
 * of the newest ones. Opening it never lowers the count; only removing alerts does. Opening it is looking:
 * alerts that arrived since the person last looked are marked New, counted in the tab title ("(3) Alerts ·
 * Tocsin") and announced politely as they arrive ("2 new alerts").
 */
import { type FocusEvent, type KeyboardEvent, useEffect, useId, useRef, useState } from 'react';
import { Link } from 'react-router-dom';
import { ConfirmDialog } from '../../../components/confirm-dialog';
import { Icon } from '../../../components/icon';
import { ErrorMessage } from '../../../components/messages';
import { RelativeTime } from '../../../components/relative-time';
import { paths } from '../../../config/paths';
import { useDocumentTitlePrefix } from '../../../hooks/use-document-title';
import { getErrorMessage } from '../../../lib/api-client';
import { useClearAlerts } from '../api/clear-alerts';
import { BELL_MAX_ITEMS, BELL_PAGE_SIZE, useAlertsSummary } from '../api/get-alerts-summary';
import { useMarkAlertsSeen } from '../api/mark-alerts-seen';
import { useRemovalToast } from '../hooks/use-removal-toast';
import { AlertLink, ExternalHost, getAlertHost } from './alert-link';

export function formatBadgeCount(count: number): string {
  return count > 999 ? '999+' : String(count);
}

/** The Clear all confirmation says how many alerts go. */
export function describeClearAll(count: number): string {
  const what = count === 1 ? 'your 1 alert' : `all ${count} alerts`;
  return `This removes ${what} from your list and from the Alerts page.`;
}

/** "(3) " before the page title while alerts are new; 100 is the server's cap ("99+"). */
export function formatNewAlertsPrefix(newCount: number | undefined): string {
  if (!newCount) return '';
  return newCount > 99 ? '(99+) ' : `(${newCount}) `;
}

/** What the live region says when alerts arrive: "1 new alert", "2 new alerts". */
export function describeArrivals(count: number): string {
  return count === 1 ? '1 new alert' : `${count} new alerts`;
}

/**
 * Announces arrivals: when the new count rises, how many came. Nothing is said for the first count after the
 * page loads (that is not an arrival), nor when it falls (the person looked).
 */
function useArrivalAnnouncement(newCount: number | undefined): string {
  const previousRef = useRef<number | undefined>(undefined);
  const [announcement, setAnnouncement] = useState('');
  useEffect(() => {
    const previous = previousRef.current;
    previousRef.current = newCount;
    if (previous === undefined || newCount === undefined || newCount <= previous) return;
    setAnnouncement(describeArrivals(newCount - previous));
  }, [newCount]);
  return announcement;
}

export function AlertsBell() {
  const [isOpen, setIsOpen] = useState(false);
  const [isConfirmOpen, setIsConfirmOpen] = useState(false);
  const [limit, setLimit] = useState(BELL_PAGE_SIZE);
  const summary = useAlertsSummary({ limit });
  const clear = useClearAlerts();
  const markSeen = useMarkAlertsSeen();
  const announceRemoval = useRemovalToast();
  // After "Show more", focus goes to the first alert that was not listed before.
  const focusItemAtRef = useRef<number | null>(null);
  const containerRef = useRef<HTMLDivElement>(null);
  const buttonRef = useRef<HTMLButtonElement>(null);
  const panelRef = useRef<HTMLDivElement>(null);
  // After a successful clear the "Clear All" button is disabled, so focus goes back to the bell instead.
  const dialogReturnFocusRef = useRef<HTMLElement | null>(null);
  const panelId = useId();
  const headingId = useId();

  const count = summary.data?.count;
  const newCount = summary.data?.new_count;
  const items = summary.data?.items ?? [];
  useDocumentTitlePrefix(formatNewAlertsPrefix(newCount));
  const announcement = useArrivalAnnouncement(newCount);

  // Opening the bell is looking: the newest alert it shows is seen (its New marks stay while it is open).
  const newestId = items[0]?.id;
  const seenThroughId = summary.data?.seen_through_id ?? 0;
  // biome-ignore lint/correctness/useExhaustiveDependencies: only opening the bell (or its first load while open) marks.
  useEffect(() => {
    if (!isOpen || newestId === undefined || !newCount || newestId <= seenThroughId) return;
    markSeen.mutate(newestId);
  }, [isOpen, newestId === undefined]);
  const canShowMore = count !== undefined && items.length < count && limit < BELL_MAX_ITEMS;

  const close = ({ focusButton = false } = {}) => {
    setIsOpen(false);
    if (focusButton) buttonRef.current?.focus();
  };

  // A closed bell goes back to the short list, so the count's live refetches stay small.
  useEffect(() => {
    if (!isOpen) setLimit(BELL_PAGE_SIZE);
  }, [isOpen]);

  useEffect(() => {
    const index = focusItemAtRef.current;
    if (index === null || summary.isPlaceholderData || items.length <= index) return;
    focusItemAtRef.current = null;
    panelRef.current?.querySelectorAll<HTMLElement>('.bell-item > a')[index]?.focus();
  }, [items.length, summary.isPlaceholderData]);

  const showMore = () => {
    focusItemAtRef.current = items.length;
    setLimit((old) => Math.min(old + BELL_PAGE_SIZE, BELL_MAX_ITEMS));
  };

  useEffect(() => {
    if (!isOpen) return;
    const onPointerDown = (event: PointerEvent) => {
      if (event.target instanceof Node && containerRef.current?.contains(event.target)) return;
      setIsOpen(false);
    };
    document.addEventListener('pointerdown', onPointerDown);
    return () => document.removeEventListener('pointerdown', onPointerDown);
  }, [isOpen]);

  const focusableItems = () => Array.from(panelRef.current?.querySelectorAll<HTMLElement>('a[href], button:not([disabled])') ?? []);

  const moveFocus = (step: 1 | -1 | 'first' | 'last') => {
    const elements = focusableItems();
    if (elements.length === 0) return;
    const current = elements.indexOf(document.activeElement as HTMLElement);
    let next: number;
    if (step === 'first') next = 0;
    else if (step === 'last') next = elements.length - 1;
    else if (current === -1) next = step === 1 ? 0 : elements.length - 1;
    else next = (current + step + elements.length) % elements.length;
    elements[next]?.focus();
  };

  const handleKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (isConfirmOpen) return; // the modal dialog handles its own keys
    if (event.key === 'Escape' && isOpen) {
      event.preventDefault();
      close({ focusButton: true });
      return;
    }
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      if (!isOpen) {
        setIsOpen(true);
        // Wait for the panel to render before moving into it.
        requestAnimationFrame(() => moveFocus(event.key === 'ArrowDown' ? 'first' : 'last'));
        return;
      }
      moveFocus(event.key === 'ArrowDown' ? 1 : -1);
    } else if (isOpen && (event.key === 'Home' || event.key === 'End') && event.target !== buttonRef.current) {
      event.preventDefault();
      moveFocus(event.key === 'Home' ? 'first' : 'last');
    }
  };

  const handleBlur = (event: FocusEvent<HTMLDivElement>) => {
    // Tabbing past the last item closes the list, as leaving any popup does.
    const next = event.relatedTarget;
    if (isOpen && !isConfirmOpen && next instanceof Node && !containerRef.current?.contains(next)) setIsOpen(false);
  };

  const openConfirm = () => {
    clear.reset();
    dialogReturnFocusRef.current = null;
    setIsConfirmOpen(true);
  };

  const confirmClear = () => {
    clear.mutate(undefined, {
      onSuccess: (result) => {
        dialogReturnFocusRef.current = buttonRef.current;
        setIsConfirmOpen(false);
        announceRemoval({ kind: 'cleared', removed: result.removed, ids: result.ids, returnFocusTo: buttonRef });
      },
    });
  };

  // The name is the visible text ("Alerts 3"), so speech users can say what they see.
  const label = count === undefined ? 'Alerts' : `Alerts ${formatBadgeCount(count)}`;

  return (
    // Keys and focus changes bubble up from the button and the links inside; the wrapper itself is not interactive.
    // biome-ignore lint/a11y/noStaticElementInteractions: delegated handlers for the bell's own controls.
    <div className="bell" ref={containerRef} onKeyDown={handleKeyDown} onBlur={handleBlur}>
      <button
        ref={buttonRef}
        type="button"
        className="bell-button"
        aria-label={label}
        aria-expanded={isOpen}
        aria-haspopup="dialog"
        aria-controls={panelId}
        onClick={() => setIsOpen((open) => !open)}
      >
        <Icon name="bell" isDecorative className="bell-glyph" />
        <span className="bell-label">Alerts</span>{' '}
        {count !== undefined && <span className={count > 0 ? 'bell-badge' : 'bell-badge bell-badge-empty'}>{formatBadgeCount(count)}</span>}
        <Icon name="chevron-down" isDecorative className="bell-caret" />
      </button>

      <div ref={panelRef} id={panelId} className="bell-panel" role="dialog" aria-labelledby={headingId} hidden={!isOpen}>
        <div className="bell-panel-header">
          <h2 id={headingId}>Newest alerts</h2>
          {count !== undefined && <span className="muted">{count === 1 ? '1 alert' : `${count} alerts`}</span>}
        </div>
        {summary.isPending && <p className="bell-empty">Loading alerts…</p>}
        {summary.isError && <ErrorMessage>{getErrorMessage(summary.error)}</ErrorMessage>}
        {summary.isSuccess && items.length === 0 && <p className="bell-empty">No alerts found.</p>}
        {items.length > 0 && (
          <ul className="bell-list" aria-busy={summary.isPlaceholderData}>
            {items.map((alert) => {
              const host = getAlertHost(alert.url);
              return (
                <li key={alert.id} className="bell-item">
                  <AlertLink url={alert.url} onNavigate={() => close()} isHostShown={false}>
                    <Icon name={alert.icon} className="bell-item-icon" />
                    <span className="bell-item-text">
                      <span className="bell-item-title">
                        {alert.is_new && <span className="new-mark">New</span>}
                        {alert.title}
                      </span>
                      <span className="bell-item-meta">
                        {alert.source} · <RelativeTime value={alert.created} />
                        {host && <ExternalHost host={host} />}
                      </span>
                    </span>
                  </AlertLink>
                </li>
              );
            })}
          </ul>
        )}
        {canShowMore && (
          <div className="bell-more">
            <button type="button" className="link-button" onClick={showMore} disabled={summary.isPlaceholderData}>
              {summary.isPlaceholderData ? 'Loading more…' : 'Show more'}
            </button>
          </div>
        )}
        <div className="bell-panel-footer">
          <Link to={paths.alerts.getHref()} onClick={() => close()}>
            See All Alerts ›
          </Link>
          <button type="button" className="link-button link-button-danger" onClick={openConfirm} disabled={count === 0}>
            Clear All Alerts ›
          </button>
        </div>
      </div>

      {/* Polite: arrivals are announced when the reader pauses, never over what they are doing. */}
      <p className="visually-hidden" role="status" aria-live="polite" aria-atomic="true" aria-label="New alerts">
        {announcement}
      </p>

      <ConfirmDialog
        isOpen={isConfirmOpen}
        title="Clear all alerts?"
        confirmLabel="Clear all alerts"
        isDanger
        isPending={clear.isPending}
        errorMessage={clear.isError ? getErrorMessage(clear.error) : null}
        onConfirm={confirmClear}
        onCancel={() => setIsConfirmOpen(false)}
        returnFocusTo={dialogReturnFocusRef}
      >
        <p>{describeClearAll(count ?? 0)}</p>
      </ConfirmDialog>
    </div>
  );
}

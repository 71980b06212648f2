import { CHANNEL_LABELS, EVENTS, EXTERNAL_CHANNELS, type TExternalChannel } from '@tocsin/contract/catalogue';
import { DELIVERY_STATUS_LABELS, DELIVERY_STATUSES, type TDeliveryStatus } from '@tocsin/contract/deliveries';
import { useId } from 'react';
import type { TDeliveryFilters } from '../api/get-deliveries';

/** "2026-03-10T12:30:00.000Z" → "2026-03-10T13:30" in the browser's time zone, for datetime-local inputs. */
export function toLocalInputValue(iso: string | undefined): string {
  if (!iso) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  const local = new Date(date.getTime() - date.getTimezoneOffset() * 60_000);
  return local.toISOString().slice(0, 16);
}

/** A datetime-local value (browser time zone) → ISO, or undefined when empty or invalid. */
export function fromLocalInputValue(value: string): string | undefined {
  if (!value) return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

export function DeliveryFilters({ filters, onChange }: { filters: TDeliveryFilters; onChange: (filters: TDeliveryFilters) => void }) {
  const id = useId();
  // Any filter change starts again at page 1.
  const change = (patch: Partial<TDeliveryFilters>) => onChange({ ...filters, ...patch, page: undefined });
  const hasFilters = Boolean(filters.status || filters.channel || filters.event || filters.since || filters.until);

  return (
    <form className="card" aria-label="Filters" onSubmit={(e) => e.preventDefault()}>
      <div className="field-row">
        <div className="field">
          <label htmlFor={`${id}-status`}>Status</label>
          <select
            id={`${id}-status`}
            value={filters.status ?? ''}
            onChange={(e) => change({ status: (e.currentTarget.value || undefined) as TDeliveryStatus | undefined })}
          >
            <option value="">Any status</option>
            {DELIVERY_STATUSES.map((s) => (
              <option key={s} value={s}>
                {DELIVERY_STATUS_LABELS[s]}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${id}-channel`}>Channel</label>
          <select
            id={`${id}-channel`}
            value={filters.channel ?? ''}
            onChange={(e) => change({ channel: (e.currentTarget.value || undefined) as TExternalChannel | undefined })}
          >
            <option value="">Any channel</option>
            {EXTERNAL_CHANNELS.map((c) => (
              <option key={c} value={c}>
                {CHANNEL_LABELS[c]}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${id}-event`}>Event</label>
          <select id={`${id}-event`} value={filters.event ?? ''} onChange={(e) => change({ event: e.currentTarget.value || undefined })}>
            <option value="">Any event</option>
            {EVENTS.map((e) => (
              <option key={e.name} value={e.name}>
                {e.label}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${id}-since`}>From</label>
          <input
            id={`${id}-since`}
            type="datetime-local"
            value={toLocalInputValue(filters.since)}
            onChange={(e) => change({ since: fromLocalInputValue(e.currentTarget.value) })}
          />
        </div>
        <div className="field">
          <label htmlFor={`${id}-until`}>To</label>
          <input
            id={`${id}-until`}
            type="datetime-local"
            value={toLocalInputValue(filters.until)}
            onChange={(e) => change({ until: fromLocalInputValue(e.currentTarget.value) })}
          />
        </div>
      </div>
      {hasFilters && (
        <div className="form-actions">
          <button type="button" className="button button-small" onClick={() => onChange({})}>
            Clear filters
          </button>
        </div>
      )}
    </form>
  );
}

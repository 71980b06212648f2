/**
 * The Alerts page filters: text, event type, product and a range of days, applied together with one button (or
 * Enter) so that typing a date does not reload the list at every keystroke. The filters live in the address
 * (utils/filters.ts), so a filtered view can be bookmarked, shared and reached with Back.
 */
import { EVENTS, type TEventName } from '@tocsin/contract/catalogue';
import { type FormEvent, useEffect, useId, useState } from 'react';
import { hasFilters, NO_FILTERS, type TAlertFilters } from '../utils/filters';

export type TProductOption = { id: number; name: string };

export function AlertFilters({
  filters,
  productOptions,
  onApply,
}: {
  filters: TAlertFilters;
  /** Products the user can see; undefined while they load. */
  productOptions: readonly TProductOption[] | undefined;
  onApply: (filters: TAlertFilters) => void;
}) {
  const id = useId();
  const [draft, setDraft] = useState(filters);
  // Back/forward or a link changes the address: the form shows what is applied.
  useEffect(() => setDraft(filters), [filters]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    onApply({ ...draft, text: draft.text.trim() });
  };
  const isActive = hasFilters(filters);
  // A product in the address that is not (or no longer) listed still shows, by its id.
  const options =
    draft.productId !== null && productOptions && !productOptions.some((p) => p.id === draft.productId)
      ? [...productOptions, { id: draft.productId, name: `Product ${draft.productId}` }]
      : (productOptions ?? []);

  return (
    // biome-ignore lint/a11y/useSemanticElements: <search> is newer than some screen readers; role="search" on the form is known to all.
    <form role="search" aria-label="Filter alerts" className="alert-filters" onSubmit={submit}>
      <div className="field alert-filters-text">
        <label htmlFor={`${id}-q`}>Search title and description</label>
        <input
          id={`${id}-q`}
          type="search"
          maxLength={200}
          value={draft.text}
          onChange={(e) => setDraft({ ...draft, text: e.target.value })}
        />
      </div>
      <div className="field">
        <label htmlFor={`${id}-event`}>Event type</label>
        <select
          id={`${id}-event`}
          value={draft.event ?? ''}
          onChange={(e) => setDraft({ ...draft, event: e.target.value ? (e.target.value as TEventName) : null })}
        >
          <option value="">Any event type</option>
          {EVENTS.map((info) => (
            <option key={info.name} value={info.name}>
              {info.label}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor={`${id}-product`}>Product</label>
        <select
          id={`${id}-product`}
          value={draft.productId ?? ''}
          aria-busy={productOptions === undefined}
          onChange={(e) => setDraft({ ...draft, productId: e.target.value ? Number(e.target.value) : null })}
        >
          <option value="">Any product</option>
          {options.map((p) => (
            <option key={p.id} value={p.id}>
              {p.name}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor={`${id}-from`}>From</label>
        <input
          id={`${id}-from`}
          type="date"
          value={draft.from ?? ''}
          max={draft.to ?? undefined}
          onChange={(e) => setDraft({ ...draft, from: e.target.value || null })}
        />
      </div>
      <div className="field">
        <label htmlFor={`${id}-to`}>To</label>
        <input
          id={`${id}-to`}
          type="date"
          value={draft.to ?? ''}
          min={draft.from ?? undefined}
          onChange={(e) => setDraft({ ...draft, to: e.target.value || null })}
        />
      </div>
      <div className="field field-action alert-filters-actions">
        <button type="submit" className="button button-primary">
          Apply filters
        </button>
        {isActive && (
          <button type="button" className="button" onClick={() => onApply(NO_FILTERS)}>
            Clear filters
          </button>
        )}
      </div>
    </form>
  );
}

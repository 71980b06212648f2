/**
 * Severity, status and tag filters of a product's findings, applied together with one button. The filters
 * live in the address (utils/filters.ts), so the route reads them from there and gets them back through onApply.
 */
import { FINDING_STATUS_LABELS, FINDING_STATUSES, SEVERITIES } from '@tocsin/contract/findings';
import { type FormEvent, useEffect, useId, useState } from 'react';
import { hasFindingFilters, NO_FINDING_FILTERS, type TFindingFilters } from '../utils/filters';

function toggle<T>(list: readonly T[], value: T, isOn: boolean, order: readonly T[]): T[] {
  const next = new Set(list);
  if (isOn) next.add(value);
  else next.delete(value);
  return order.filter((v) => next.has(v));
}

export function FindingFilters({ filters, onApply }: { filters: TFindingFilters; onApply: (filters: TFindingFilters) => void }) {
  const id = useId();
  const [draft, setDraft] = useState(filters);
  useEffect(() => setDraft(filters), [filters]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    onApply({ ...draft, tag: draft.tag.trim() });
  };

  return (
    // biome-ignore lint/a11y/useSemanticElements: <search> is newer than some screen readers; role="search" on the form is known to all.
    <form role="search" aria-label="Filter findings" className="finding-filters" onSubmit={submit}>
      <fieldset className="filter-group">
        <legend>Severity</legend>
        {SEVERITIES.map((severity) => (
          <label key={severity} className="filter-option">
            <input
              type="checkbox"
              checked={draft.severity.includes(severity)}
              onChange={(e) => setDraft({ ...draft, severity: toggle(draft.severity, severity, e.target.checked, SEVERITIES) })}
            />
            {severity}
          </label>
        ))}
      </fieldset>
      <fieldset className="filter-group">
        <legend>Status</legend>
        {FINDING_STATUSES.map((status) => (
          <label key={status} className="filter-option">
            <input
              type="checkbox"
              checked={draft.status.includes(status)}
              onChange={(e) => setDraft({ ...draft, status: toggle(draft.status, status, e.target.checked, FINDING_STATUSES) })}
            />
            {FINDING_STATUS_LABELS[status]}
          </label>
        ))}
      </fieldset>
      <div className="field">
        <label htmlFor={`${id}-tag`}>Tag</label>
        <input
          id={`${id}-tag`}
          type="search"
          maxLength={100}
          value={draft.tag}
          onChange={(e) => setDraft({ ...draft, tag: e.target.value })}
        />
      </div>
      <div className="field field-action">
        <button type="submit" className="button button-primary">
          Apply filters
        </button>
        {hasFindingFilters(filters) && (
          <button type="button" className="button" onClick={() => onApply(NO_FINDING_FILTERS)}>
            Clear filters
          </button>
        )}
      </div>
    </form>
  );
}

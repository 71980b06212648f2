/**
 * The Alerts page's selection as pure functions over a set of alert ids. The page shows one page of
 * the list; only ids on that page may be selected, counted or removed, whatever a live update changed.
 */

export type TSelection = ReadonlySet<number>;
export type THeaderState = 'none' | 'some' | 'all';

export const EMPTY_SELECTION: TSelection = new Set();

/** Checks or unchecks one row. */
export function toggleRow(selection: TSelection, id: number, isChecked: boolean): TSelection {
  if (selection.has(id) === isChecked) return selection;
  const next = new Set(selection);
  if (isChecked) next.add(id);
  else next.delete(id);
  return next;
}

/**
 * The header checkbox: checking it selects every row on this page (and nothing else); unchecking it
 * clears every row, so a partly checked header never leaves rows selected out of sight.
 */
export function toggleAllOnPage(pageIds: readonly number[], isChecked: boolean): TSelection {
  return isChecked ? new Set(pageIds) : EMPTY_SELECTION;
}

/** The selected ids that are on this page, in page order: what the count shows and Remove sends. */
export function getSelectedOnPage(selection: TSelection, pageIds: readonly number[]): number[] {
  return pageIds.filter((id) => selection.has(id));
}

export function getHeaderState(selection: TSelection, pageIds: readonly number[]): THeaderState {
  const count = getSelectedOnPage(selection, pageIds).length;
  if (count === 0) return 'none';
  return count === pageIds.length ? 'all' : 'some';
}

/**
 * Drops ids that are no longer listed (removed in another tab, moved to another page by new alerts).
 * Returns the same set when nothing changed, so React state is not replaced for nothing.
 */
export function pruneSelection(selection: TSelection, pageIds: readonly number[]): TSelection {
  if (selection.size === 0) return selection;
  const listed = new Set(pageIds);
  const kept = [...selection].filter((id) => listed.has(id));
  return kept.length === selection.size ? selection : new Set(kept);
}

/**
 * Pure state helpers for the notification matrix (events × channels).
 * The form only ever edits the columns the server shows; selections of hidden
 * columns (disabled channels, Teams outside the system scope) are carried through
 * untouched so that saving never wipes them.
 */
import { CHANNELS, type TChannel } from '@tocsin/contract/catalogue';
import type { TSaveSettingsBody, TSettingsMatrix, TSettingsRecord } from '@tocsin/contract/notification-settings';

/** The visible selections: event -> set of visible channels that are checked. */
export type TMatrixSelection = Record<string, ReadonlySet<TChannel>>;

export type TColumnState = 'all' | 'none' | 'some';

/** What the form starts from: the record's selections restricted to its events and shown columns. */
export function createSelection(record: Pick<TSettingsRecord, 'events' | 'columns' | 'settings'>): TMatrixSelection {
  const shown = new Set(record.columns);
  const selection: TMatrixSelection = {};
  for (const event of record.events) {
    selection[event] = new Set((record.settings[event] ?? []).filter((c) => shown.has(c)));
  }
  return selection;
}

export function isSelected(selection: TMatrixSelection, event: string, channel: TChannel): boolean {
  return selection[event]?.has(channel) ?? false;
}

export function setCell(selection: TMatrixSelection, event: string, channel: TChannel, checked: boolean): TMatrixSelection {
  const current = selection[event] ?? new Set<TChannel>();
  if (current.has(channel) === checked) return selection;
  const next = new Set(current);
  if (checked) next.add(channel);
  else next.delete(channel);
  return { ...selection, [event]: next };
}

/** Check or clear one channel for every event of the record. */
export function setColumn(selection: TMatrixSelection, events: readonly string[], channel: TChannel, checked: boolean): TMatrixSelection {
  let next = selection;
  for (const event of events) next = setCell(next, event, channel, checked);
  return next;
}

export function getColumnState(selection: TMatrixSelection, events: readonly string[], channel: TChannel): TColumnState {
  let checked = 0;
  for (const event of events) if (isSelected(selection, event, channel)) checked += 1;
  if (events.length > 0 && checked === events.length) return 'all';
  return checked === 0 ? 'none' : 'some';
}

/** True when any visible cell differs from the saved record. */
export function isSelectionDirty(record: Pick<TSettingsRecord, 'events' | 'columns' | 'settings'>, selection: TMatrixSelection): boolean {
  const saved = createSelection(record);
  for (const event of record.events) {
    for (const channel of record.columns) {
      if (isSelected(saved, event, channel) !== isSelected(selection, event, channel)) return true;
    }
  }
  return false;
}

/**
 * The PUT body: for every event, the visible choices plus the saved choices of hidden
 * columns, and `columns` naming only the shown columns (the server changes only those).
 */
export function buildSaveBody(
  record: Pick<TSettingsRecord, 'events' | 'columns' | 'settings'>,
  selection: TMatrixSelection,
): TSaveSettingsBody {
  const shown = new Set(record.columns);
  const settings: TSettingsMatrix = {};
  for (const event of record.events) {
    const saved = new Set(record.settings[event] ?? []);
    // Every event is sent, even with no channel, so that clearing a row is explicit.
    settings[event] = CHANNELS.filter((c) => (shown.has(c) ? isSelected(selection, event, c) : saved.has(c)));
  }
  return { settings, columns: [...record.columns] };
}

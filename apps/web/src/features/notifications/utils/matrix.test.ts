import type { TSettingsRecord } from '@tocsin/contract/notification-settings';
import { describe, expect, it } from 'vitest';
import { buildSaveBody, createSelection, getColumnState, isSelected, isSelectionDirty, setCell, setColumn } from './matrix';

const record: TSettingsRecord = {
  scope: 'personal',
  product_id: null,
  events: ['scan_added', 'product_added', 'other'],
  columns: ['alert', 'mail'],
  settings: {
    scan_added: ['alert', 'slack'],
    product_added: ['mail', 'webhooks'],
  },
};

describe('createSelection', () => {
  it('keeps only the shown columns of the offered events', () => {
    const selection = createSelection(record);
    expect([...(selection.scan_added ?? [])]).toEqual(['alert']);
    expect([...(selection.product_added ?? [])]).toEqual(['mail']);
    expect([...(selection.other ?? [])]).toEqual([]);
  });
});

describe('setCell / setColumn', () => {
  it('toggles one cell without touching the original selection', () => {
    const initial = createSelection(record);
    const next = setCell(initial, 'other', 'mail', true);
    expect(isSelected(next, 'other', 'mail')).toBe(true);
    expect(isSelected(initial, 'other', 'mail')).toBe(false);
    expect(setCell(next, 'other', 'mail', true)).toBe(next);
  });

  it('checks and clears a whole column and reports its state', () => {
    const initial = createSelection(record);
    expect(getColumnState(initial, record.events, 'alert')).toBe('some');
    const all = setColumn(initial, record.events, 'alert', true);
    expect(getColumnState(all, record.events, 'alert')).toBe('all');
    const none = setColumn(all, record.events, 'alert', false);
    expect(getColumnState(none, record.events, 'alert')).toBe('none');
    expect(getColumnState(none, [], 'alert')).toBe('none');
  });
});

describe('isSelectionDirty', () => {
  it('is false for the saved state and after toggling back', () => {
    const initial = createSelection(record);
    expect(isSelectionDirty(record, initial)).toBe(false);
    const changed = setCell(initial, 'scan_added', 'alert', false);
    expect(isSelectionDirty(record, changed)).toBe(true);
    expect(isSelectionDirty(record, setCell(changed, 'scan_added', 'alert', true))).toBe(false);
  });
});

describe('buildSaveBody', () => {
  it('keeps hidden-column selections and names only the shown columns', () => {
    let selection = createSelection(record);
    selection = setCell(selection, 'scan_added', 'alert', false);
    selection = setCell(selection, 'scan_added', 'mail', true);
    selection = setCell(selection, 'other', 'alert', true);
    expect(buildSaveBody(record, selection)).toEqual({
      settings: {
        scan_added: ['mail', 'slack'],
        product_added: ['mail', 'webhooks'],
        other: ['alert'],
      },
      columns: ['alert', 'mail'],
    });
  });

  it('sends an explicit empty list for a cleared row', () => {
    const selection = setCell(createSelection(record), 'product_added', 'mail', false);
    expect(buildSaveBody(record, selection).settings.product_added).toEqual(['webhooks']);
    const bare = { ...record, settings: { product_added: ['mail' as const] } };
    expect(buildSaveBody(bare, setCell(createSelection(bare), 'product_added', 'mail', false)).settings.product_added).toEqual([]);
  });
});

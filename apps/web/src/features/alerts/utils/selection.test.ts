import { describe, expect, it } from 'vitest';
import { EMPTY_SELECTION, getHeaderState, getSelectedOnPage, pruneSelection, toggleAllOnPage, toggleRow } from './selection';

const page = [30, 20, 10];

describe('toggleRow', () => {
  it('adds and removes one id, leaving the others', () => {
    const one = toggleRow(EMPTY_SELECTION, 20, true);
    expect([...one]).toEqual([20]);
    expect([...toggleRow(one, 10, true)]).toEqual([20, 10]);
    expect([...toggleRow(new Set([20, 10]), 20, false)]).toEqual([10]);
  });

  it('returns the same set when the row already has that state', () => {
    const selection = new Set([20]);
    expect(toggleRow(selection, 20, true)).toBe(selection);
    expect(toggleRow(selection, 30, false)).toBe(selection);
  });
});

describe('toggleAllOnPage', () => {
  it('checking the header selects exactly the ids on this page', () => {
    expect([...toggleAllOnPage(page, true)]).toEqual(page);
  });

  it('checking it drops ids selected elsewhere: only this page counts', () => {
    const selection = toggleAllOnPage(page, true);
    expect(selection.has(99)).toBe(false);
    expect(getSelectedOnPage(selection, page)).toHaveLength(3);
  });

  it('unchecking the header clears every row, also when only some were checked', () => {
    expect(toggleAllOnPage(page, false).size).toBe(0);
  });
});

describe('getSelectedOnPage', () => {
  it('counts and sends only selected ids that are on the page, in page order', () => {
    expect(getSelectedOnPage(new Set([10, 30, 77]), page)).toEqual([30, 10]);
  });

  it('is empty for an empty page', () => {
    expect(getSelectedOnPage(new Set([1, 2]), [])).toEqual([]);
  });
});

describe('getHeaderState', () => {
  it.each([
    [[], 'none'],
    [[20], 'some'],
    [[30, 20, 10], 'all'],
    [[30, 20, 10, 5], 'all'],
    [[5], 'none'],
  ] as const)('selection %j on page [30, 20, 10] → %s', (ids, state) => {
    expect(getHeaderState(new Set(ids), page)).toBe(state);
  });

  it('an empty page is never "all"', () => {
    expect(getHeaderState(new Set([1]), [])).toBe('none');
  });
});

describe('pruneSelection', () => {
  it('drops ids that left the list when it changes', () => {
    expect([...pruneSelection(new Set([30, 10, 5]), page)]).toEqual([30, 10]);
  });

  it('keeps the very same set when every id is still listed, or nothing is selected', () => {
    const selection = new Set([30, 10]);
    expect(pruneSelection(selection, page)).toBe(selection);
    expect(pruneSelection(EMPTY_SELECTION, [])).toBe(EMPTY_SELECTION);
  });

  it('empties the selection when the page is emptied elsewhere', () => {
    expect(pruneSelection(new Set([30]), []).size).toBe(0);
  });
});

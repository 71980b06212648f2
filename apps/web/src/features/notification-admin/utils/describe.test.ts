import { describe, expect, it } from 'vitest';
import { describeChange, describeChangeSet, describeEffectiveCell } from './describe';

describe('describeEffectiveCell', () => {
  it.each([
    [undefined, { text: 'No', tone: 'none' }],
    [
      { is_received: false, sources: [], blocked_by: null },
      { text: 'No', tone: 'none' },
    ],
    [
      { is_received: true, sources: ['system', 'personal'], blocked_by: null },
      { text: 'Yes (System, Personal)', tone: 'received' },
    ],
    [
      { is_received: false, sources: ['personal'], blocked_by: 'channel_off' },
      { text: 'Personal: not sent: channel switched off in System Settings', tone: 'blocked' },
    ],
    [
      { is_received: false, sources: ['system'], blocked_by: 'no_access' },
      { text: 'System: will not reach them: no access to the product', tone: 'blocked' },
    ],
  ] as const)('%o', (cell, expected) => expect(describeEffectiveCell(cell as never)).toEqual(expected));
});

describe('describeChangeSet', () => {
  const at = '2026-11-30T14:05:00.000Z';
  it('names who changed it and when', () => {
    expect(describeChangeSet({ source: 'admin', changed_by: { id: 1, username: 'admin' }, created_at: at, product: null })).toMatch(
      /^Changed by admin on Nov 30, 2026/,
    );
  });
  it('says when the template was applied, for which product, and by a deleted account', () => {
    expect(describeChangeSet({ source: 'template', changed_by: null, created_at: at, product: null })).toMatch(
      /^Template applied by a deleted user on /,
    );
    expect(
      describeChangeSet({ source: 'admin', changed_by: { id: 1, username: 'root' }, created_at: at, product: { id: 2, name: 'Shop' } }),
    ).toMatch(/\(settings for Shop\)$/);
  });
});

describe('describeChange', () => {
  it('lists added and removed channels by their labels', () => {
    expect(describeChange({ event: 'scan_added', added: ['mail', 'slack'], removed: ['alert'] })).toBe(
      'Scan Added: added Mail, Slack; removed Alert',
    );
    expect(describeChange({ event: 'custom_thing', added: ['alert'], removed: [] })).toBe('custom_thing: added Alert');
  });
});

import type { TRule } from '@tocsin/contract/rules';
import { describe, expect, it } from 'vitest';
import {
  describeChange,
  describeChangeSet,
  describeEffectiveCell,
  describeQuietHours,
  describeRuleEdits,
  describeTiming,
} from './describe';

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
  it('names the rule and what happened to it', () => {
    const rule = { id: 3, name: 'Critical', action: 'created', before: null, after: null } as const;
    expect(describeChangeSet({ source: 'admin', changed_by: { id: 1, username: 'root' }, created_at: at, product: null, rule })).toMatch(
      /^Changed by root on .* \(rule “Critical” added\)$/,
    );
  });
});

describe('describeRuleEdits', () => {
  const rule: TRule = {
    id: 1,
    scope: 'personal',
    owner_id: 2,
    name: 'Old',
    enabled: true,
    events: ['scan_added'],
    channels: ['alert'],
    destination_ids: [],
    conditions: {
      product_type_ids: [],
      product_ids: [],
      product_tags: [],
      min_severity: null,
      min_findings: null,
      tool: null,
      only_new: false,
    },
    created_at: '2026-11-30T14:05:00.000Z',
    updated_at: '2026-11-30T14:05:00.000Z',
  };
  it('says what changed besides the channels per event', () => {
    const after = { ...rule, name: 'New', enabled: false, conditions: { ...rule.conditions, min_severity: 'High' } } satisfies TRule;
    expect(describeRuleEdits({ id: 1, name: 'New', action: 'changed', before: rule, after })).toEqual([
      'Renamed from “Old”',
      'Switched off',
      'Conditions changed',
    ]);
    expect(describeRuleEdits({ id: 1, name: 'Old', action: 'changed', before: rule, after: rule })).toEqual([]);
    expect(describeRuleEdits({ id: 1, name: 'Old', action: 'created', before: null, after: rule })).toEqual([]);
  });
});

describe('delivery timing in words', () => {
  it.each([
    ['mail', { mode: 'immediate', daily_at: null, held_by_quiet_hours: false }, 'Email: immediately'],
    ['slack', { mode: 'hourly', daily_at: null, held_by_quiet_hours: false }, 'Slack: hourly digest'],
    ['mail', { mode: 'daily', daily_at: '08:30', held_by_quiet_hours: false }, 'Email: daily digest at 08:30 (Europe/Paris)'],
    ['webhooks', { mode: 'immediate', daily_at: null, held_by_quiet_hours: true }, 'Webhooks: immediately, held during quiet hours'],
  ] as const)('%s %o', (channel, timing, text) => expect(describeTiming(channel, timing, 'Europe/Paris')).toBe(text));

  it('describes the quiet hours, and whether Critical findings pass', () => {
    expect(describeQuietHours({ quiet_hours: null, time_zone: 'UTC' })).toMatch(/^No quiet hours/);
    expect(describeQuietHours({ quiet_hours: { start: '22:00', end: '07:00', critical_passes: true }, time_zone: 'Europe/Paris' })).toBe(
      'Quiet hours 22:00–07:00 (Europe/Paris): messages sent immediately wait until they end; Critical findings go out at once. Digests keep their time.',
    );
    expect(describeQuietHours({ quiet_hours: { start: '22:00', end: '07:00', critical_passes: false }, time_zone: 'UTC' })).toContain(
      'Critical findings wait too',
    );
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

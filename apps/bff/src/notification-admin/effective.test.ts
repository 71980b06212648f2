/** The effective-settings view, one row per rule: what reaches the user, from which record, and what stops it. */
import { CHANNEL_BITS, EVENT_NAMES, type TExternalChannel } from '@tocsin/contract/catalogue';
import type { TMyDeliveryPreferences } from '@tocsin/contract/delivery-preferences';
import { describe, expect, it } from 'vitest';
import { computeEffectiveDelivery, computeEffectiveSettings, type TEffectiveInput } from './effective';

const { alert: A, mail: M, slack: S, msteams: T, webhooks: W } = CHANNEL_BITS;

const base = (over: Partial<TEffectiveInput> = {}): TEffectiveInput => ({
  events: ['scan_added'],
  user: { id: 7, isActive: true, isSuperuser: false },
  enabledChannels: new Set<TExternalChannel>(['mail', 'slack', 'msteams', 'webhooks']),
  system: new Map(),
  personal: new Map(),
  product: null,
  canView: true,
  ...over,
});

const cell = (input: TEffectiveInput, channel: string, event = input.events[0] as string) => {
  const row = computeEffectiveSettings(input).find((e) => e.event === event);
  return row?.channels[channel];
};

type TRow = [string, TEffectiveInput, string, { is_received: boolean; sources: string[]; blocked_by: string | null }];

const ROWS: TRow[] = [
  ['nothing selected: nothing received, no reason', base(), 'alert', { is_received: false, sources: [], blocked_by: null }],
  [
    'the system alert reaches everyone with access',
    base({ system: new Map([['scan_added', A]]) }),
    'alert',
    { is_received: true, sources: ['system'], blocked_by: null },
  ],
  [
    'system mail goes to the system address, not to the user',
    base({ system: new Map([['scan_added', M]]) }),
    'mail',
    { is_received: false, sources: [], blocked_by: null },
  ],
  [
    'personal mail is received',
    base({ personal: new Map([['scan_added', M]]) }),
    'mail',
    { is_received: true, sources: ['personal'], blocked_by: null },
  ],
  [
    'system and personal both select the alert: one alert, both named',
    base({ system: new Map([['scan_added', A]]), personal: new Map([['scan_added', A]]) }),
    'alert',
    { is_received: true, sources: ['system', 'personal'], blocked_by: null },
  ],
  [
    'the product record adds Slack for that product',
    base({ product: new Map([['scan_added', S]]) }),
    'slack',
    { is_received: true, sources: ['product'], blocked_by: null },
  ],
  [
    'a product the user cannot view: nothing reaches them',
    base({ canView: false, system: new Map([['scan_added', A]]), personal: new Map([['scan_added', M]]) }),
    'alert',
    { is_received: false, sources: ['system'], blocked_by: 'no_access' },
  ],
  [
    'a superuser sees every product',
    base({ canView: false, user: { id: 7, isActive: true, isSuperuser: true }, personal: new Map([['scan_added', M]]) }),
    'mail',
    { is_received: true, sources: ['personal'], blocked_by: null },
  ],
  [
    'a channel switched off in System Settings sends nothing',
    base({ enabledChannels: new Set(['slack']), personal: new Map([['scan_added', M]]) }),
    'mail',
    { is_received: false, sources: ['personal'], blocked_by: 'channel_off' },
  ],
  [
    'a deactivated account receives nothing',
    base({ user: { id: 7, isActive: false, isSuperuser: false }, system: new Map([['scan_added', A]]) }),
    'alert',
    { is_received: false, sources: ['system'], blocked_by: 'inactive' },
  ],
  [
    "mentions: the system record joins the user's own channels (mail too)",
    base({ events: ['user_mentioned'], system: new Map([['user_mentioned', M | T]]) }),
    'mail',
    { is_received: true, sources: ['system'], blocked_by: null },
  ],
  [
    'mentions reach a user without product access (they are named)',
    base({ events: ['user_mentioned'], canView: false, personal: new Map([['user_mentioned', A]]) }),
    'alert',
    { is_received: true, sources: ['personal'], blocked_by: null },
  ],
  [
    'the product record is ignored for events that are not about a product',
    base({ events: ['product_type_added'], product: new Map([['product_type_added', A]]) }),
    'alert',
    { is_received: false, sources: [], blocked_by: null },
  ],
  [
    'personal webhooks are received',
    base({ personal: new Map([['scan_added', W]]) }),
    'webhooks',
    { is_received: true, sources: ['personal'], blocked_by: null },
  ],
];

describe('computeEffectiveSettings', () => {
  for (const [name, input, channel, expected] of ROWS) {
    it(name, () => expect(cell(input, channel)).toEqual(expected));
  }

  it('never offers Teams as a personal channel, and lists the system destinations instead', () => {
    const [row] = computeEffectiveSettings(base({ system: new Map([['scan_added', A | M | T]]) }));
    expect(Object.keys(row?.channels ?? {})).toEqual(['alert', 'mail', 'slack', 'webhooks']);
    expect(row?.system_destinations).toEqual(['mail', 'msteams']);
  });

  it('lists no system destination for a switched-off channel, nor for mentions (they go to the named users only)', () => {
    const off = computeEffectiveSettings(base({ enabledChannels: new Set(['slack']), system: new Map([['scan_added', M | S]]) }));
    expect(off[0]?.system_destinations).toEqual(['slack']);
    const mention = computeEffectiveSettings(base({ events: ['user_mentioned'], system: new Map([['user_mentioned', M]]) }));
    expect(mention[0]?.system_destinations).toEqual([]);
  });

  it('gives a reason for every selected channel that does not arrive, over every event and combination', () => {
    const masks = [0, A, M | S, A | M | S | W];
    for (const event of EVENT_NAMES) {
      for (const system of masks) {
        for (const personal of masks) {
          for (const canView of [true, false]) {
            for (const isActive of [true, false]) {
              const rows = computeEffectiveSettings(
                base({
                  events: [event],
                  enabledChannels: new Set(['mail']),
                  system: new Map([[event, system]]),
                  personal: new Map([[event, personal]]),
                  product: new Map([[event, S]]),
                  canView,
                  user: { id: 7, isActive, isSuperuser: false },
                }),
              );
              for (const c of Object.values(rows[0]?.channels ?? {})) {
                if (c.is_received) expect(c.sources.length).toBeGreaterThan(0);
                expect(c.blocked_by !== null).toBe(c.sources.length > 0 && !c.is_received);
              }
            }
          }
        }
      }
    }
  });
});

describe('delivery timing per channel', () => {
  const immediate = { mode: 'immediate', daily_at: '08:00' } as const;
  const prefs = (over: Partial<TMyDeliveryPreferences> = {}): TMyDeliveryPreferences => ({
    time_zone: 'Europe/Paris',
    channels: { mail: immediate, slack: immediate, webhooks: immediate },
    quiet_hours: null,
    ...over,
  });
  const quiet = { start: '22:00', end: '07:00', critical_passes: true };
  type TTimingRow = [string, TMyDeliveryPreferences, string, { mode: string; daily_at: string | null; held_by_quiet_hours: boolean }];
  const TIMING: TTimingRow[] = [
    ['no preferences: immediate, nothing held', prefs(), 'mail', { mode: 'immediate', daily_at: null, held_by_quiet_hours: false }],
    [
      'an hourly digest has no time of day',
      prefs({ channels: { mail: immediate, slack: { mode: 'hourly', daily_at: '09:30' }, webhooks: immediate } }),
      'slack',
      { mode: 'hourly', daily_at: null, held_by_quiet_hours: false },
    ],
    [
      'a daily digest goes out at its time of day',
      prefs({ channels: { mail: { mode: 'daily', daily_at: '09:30' }, slack: immediate, webhooks: immediate } }),
      'mail',
      { mode: 'daily', daily_at: '09:30', held_by_quiet_hours: false },
    ],
    [
      'quiet hours hold immediate deliveries',
      prefs({ quiet_hours: quiet }),
      'webhooks',
      { mode: 'immediate', daily_at: null, held_by_quiet_hours: true },
    ],
    [
      'quiet hours leave a digest at its time',
      prefs({ quiet_hours: quiet, channels: { mail: { mode: 'daily', daily_at: '08:00' }, slack: immediate, webhooks: immediate } }),
      'mail',
      { mode: 'daily', daily_at: '08:00', held_by_quiet_hours: false },
    ],
  ];
  for (const [name, input, channel, want] of TIMING) {
    it(name, () => expect(computeEffectiveDelivery(input).channels[channel]).toEqual(want));
  }

  it('covers each personal external channel, and carries the time zone and the quiet hours', () => {
    const out = computeEffectiveDelivery(prefs({ quiet_hours: quiet }));
    expect(Object.keys(out.channels)).toEqual(['mail', 'slack', 'webhooks']);
    expect(out).toMatchObject({ time_zone: 'Europe/Paris', quiet_hours: quiet });
  });
});

import { channelsToMask, type TChannel, type TExternalChannel } from '@tocsin/contract/catalogue';
import { describe, expect, it } from 'vitest';
import { routeEvent, type TRoutingCandidate, type TRoutingInput } from './recipients';

const ALL_EXTERNAL: TExternalChannel[] = ['mail', 'slack', 'msteams', 'webhooks'];
const m = (...channels: TChannel[]) => channelsToMask(channels);

function user(userId: number, over: Partial<TRoutingCandidate> = {}): TRoutingCandidate {
  return { userId, isSuperuser: false, isActive: true, canView: true, personalMask: 0, productMask: 0, ...over };
}

function route(over: Partial<Omit<TRoutingInput, 'enabledChannels'>> & { enabled?: TExternalChannel[] }) {
  const { enabled = ALL_EXTERNAL, ...rest } = over;
  const result = routeEvent({
    routedAs: 'scan_added',
    hasContext: true,
    systemMask: 0,
    candidates: [],
    recipients: null,
    alertOnly: false,
    enabledChannels: new Set(enabled),
    ...rest,
  });
  return { users: Object.fromEntries(result.users), systemMask: result.systemMask };
}

type TCase = { name: string; input: Parameters<typeof route>[0]; users: Record<number, number>; systemMask: number };

const cases: TCase[] = [
  // Rule 1: union merge
  {
    name: 'personal, product and system alert are united',
    input: { systemMask: m('alert'), candidates: [user(1, { personalMask: m('mail'), productMask: m('slack') })] },
    users: { 1: m('alert', 'mail', 'slack') },
    systemMask: 0,
  },
  {
    name: 'the same channel chosen in several records gives it once (one alert per user)',
    input: { systemMask: m('alert'), candidates: [user(1, { personalMask: m('alert'), productMask: m('alert') })] },
    users: { 1: m('alert') },
    systemMask: 0,
  },
  {
    name: 'a candidate listed twice still gets one merged mask',
    input: { candidates: [user(1, { personalMask: m('alert') }), user(1, { personalMask: m('mail') })] },
    users: { 1: m('alert', 'mail') },
    systemMask: 0,
  },
  {
    name: 'system mail/slack/webhooks do not go to users personally in a broadcast',
    input: { systemMask: m('mail', 'slack', 'webhooks'), candidates: [user(1)] },
    users: {},
    systemMask: m('mail', 'slack', 'webhooks'),
  },
  {
    name: 'system alert reaches every active user who may view the context',
    input: { systemMask: m('alert'), candidates: [user(1), user(2), user(3, { canView: false }), user(4, { isActive: false })] },
    users: { 1: m('alert'), 2: m('alert') },
    systemMask: 0,
  },
  // Rule 2: RBAC
  {
    name: 'no access means nothing, whatever the records say',
    input: {
      systemMask: m('alert', 'mail'),
      candidates: [user(1, { canView: false, personalMask: m('alert', 'mail', 'slack', 'webhooks'), productMask: m('alert') })],
    },
    users: {},
    systemMask: m('mail'),
  },
  {
    name: 'superusers always may view',
    input: { systemMask: m('alert'), candidates: [user(1, { isSuperuser: true, canView: false })] },
    users: { 1: m('alert') },
    systemMask: 0,
  },
  {
    name: 'inactive users get nothing, superuser or not',
    input: { systemMask: m('alert'), candidates: [user(1, { isActive: false, isSuperuser: true, personalMask: m('mail') })] },
    users: {},
    systemMask: 0,
  },
  {
    name: 'no context: only superusers, by personal record plus the system alert',
    input: {
      hasContext: false,
      routedAs: 'product_type_added',
      systemMask: m('alert', 'slack'),
      candidates: [user(1, { personalMask: m('mail') }), user(2, { isSuperuser: true, personalMask: m('mail') })],
    },
    users: { 2: m('alert', 'mail') },
    systemMask: m('slack'),
  },
  {
    name: 'no context: product records are ignored',
    input: { hasContext: false, candidates: [user(1, { isSuperuser: true, productMask: m('alert') })] },
    users: {},
    systemMask: 0,
  },
  // System destinations
  {
    name: 'system external channels go to the system destinations once, even with no candidates',
    input: { systemMask: m('alert', 'mail', 'slack', 'msteams', 'webhooks') },
    users: {},
    systemMask: m('mail', 'slack', 'msteams', 'webhooks'),
  },
  // Rule 3: recipients list
  {
    name: 'a recipients list replaces the broadcast: only listed users, by personal record',
    input: {
      systemMask: m('alert', 'mail'),
      recipients: [1],
      candidates: [user(1, { personalMask: m('slack'), productMask: m('alert') }), user(2, { personalMask: m('alert') })],
    },
    users: { 1: m('slack') },
    systemMask: 0,
  },
  {
    name: 'a recipients list is still RBAC-filtered when there is a context',
    input: {
      recipients: [1, 2],
      candidates: [user(1, { personalMask: m('alert') }), user(2, { canView: false, personalMask: m('alert') })],
    },
    users: { 1: m('alert') },
    systemMask: 0,
  },
  {
    name: 'a recipients list without context reaches non-superusers',
    input: { hasContext: false, recipients: [1], candidates: [user(1, { canView: false, personalMask: m('alert') })] },
    users: { 1: m('alert') },
    systemMask: 0,
  },
  {
    name: 'a recipients list skips inactive users',
    input: { hasContext: false, recipients: [1], candidates: [user(1, { isActive: false, personalMask: m('alert') })] },
    users: {},
    systemMask: 0,
  },
  {
    name: 'an empty recipients list sends nothing, not even to system destinations',
    input: { systemMask: m('alert', 'mail', 'msteams'), recipients: [], candidates: [user(1, { personalMask: m('alert') })] },
    users: {},
    systemMask: 0,
  },
  {
    name: 'user_mentioned adds the system channels to the recipients own, never Teams',
    input: {
      routedAs: 'user_mentioned',
      hasContext: false,
      systemMask: m('alert', 'mail', 'msteams', 'webhooks'),
      recipients: [1],
      candidates: [user(1, { personalMask: m('slack') }), user(2, { isSuperuser: true, personalMask: m('alert') })],
    },
    users: { 1: m('alert', 'mail', 'slack', 'webhooks') },
    systemMask: 0,
  },
  {
    name: 'review_requested adds the system channels too',
    input: { routedAs: 'review_requested', hasContext: false, systemMask: m('alert'), recipients: [1], candidates: [user(1)] },
    users: { 1: m('alert') },
    systemMask: 0,
  },
  {
    name: 'other events with a recipients list do not add the system channels',
    input: { routedAs: 'engagement_added', systemMask: m('alert', 'mail'), recipients: [1], candidates: [user(1)] },
    users: {},
    systemMask: 0,
  },
  // Rule 4: enabled channels, Teams never personal
  {
    name: 'Teams is never a personal channel',
    input: { candidates: [user(1, { personalMask: m('msteams', 'alert'), productMask: m('msteams') })] },
    users: { 1: m('alert') },
    systemMask: 0,
  },
  {
    name: 'external channels only while enabled in system settings',
    input: {
      enabled: ['slack'],
      systemMask: m('mail', 'slack', 'msteams', 'webhooks'),
      candidates: [user(1, { personalMask: m('mail', 'slack', 'webhooks') })],
    },
    users: { 1: m('slack') },
    systemMask: m('slack'),
  },
  {
    name: 'with every external channel disabled only alerts remain',
    input: { enabled: [], systemMask: m('alert', 'mail'), candidates: [user(1, { personalMask: m('mail') })] },
    users: { 1: m('alert') },
    systemMask: 0,
  },
  // alert_only
  {
    name: 'alert_only keeps only alerts, for users and system destinations',
    input: {
      alertOnly: true,
      systemMask: m('alert', 'mail', 'msteams'),
      candidates: [user(1, { personalMask: m('mail', 'slack') }), user(2, { personalMask: m('slack') })],
    },
    users: { 1: m('alert'), 2: m('alert') },
    systemMask: 0,
  },
  {
    name: 'alert_only with nothing selecting alerts sends nothing',
    input: { alertOnly: true, systemMask: m('mail'), candidates: [user(1, { personalMask: m('mail') })] },
    users: {},
    systemMask: 0,
  },
  {
    name: 'personal rules add their channels to the personal record (union)',
    input: { candidates: [user(1, { personalMask: m('alert'), ruleMask: m('mail', 'slack') })] },
    users: { 1: m('alert', 'mail', 'slack') },
    systemMask: 0,
  },
  {
    name: 'a personal rule never reaches a user who may not view the context',
    input: { candidates: [user(1, { canView: false, ruleMask: m('alert', 'mail') })] },
    users: {},
    systemMask: 0,
  },
  {
    name: 'a personal rule cannot add Teams',
    input: { candidates: [user(1, { ruleMask: m('msteams', 'alert') })] },
    users: { 1: m('alert') },
    systemMask: 0,
  },
  {
    name: 'users whose merged channels are empty are left out',
    input: { candidates: [user(1), user(2, { personalMask: m('alert') })] },
    users: { 2: m('alert') },
    systemMask: 0,
  },
];

describe('routeEvent', () => {
  it.each(cases)('$name', ({ input, users, systemMask }) => {
    expect(route(input)).toEqual({ users, systemMask });
  });
});

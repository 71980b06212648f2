/**
 * What one user effectively receives, per event × channel, and why: a pure function over the user's records.
 * Whether a channel reaches the user is decided by the routing contract itself (`routeEvent` in
 * notifications/recipients.ts, run for this one user), so this view cannot drift from what dispatch does; this
 * module only adds the explanation (which records select it, and what stops it).
 *
 * Assumptions, stated on the page: an event about a product reaches the user for products they may view (with a
 * product given, for that product); `user_mentioned` and `review_requested` reach them when they are named.
 */
import {
  CHANNEL_BITS,
  EXTERNAL_CHANNELS,
  findEventInfo,
  SCOPE_CHANNELS,
  type TChannel,
  type TEventName,
  type TExternalChannel,
} from '@tocsin/contract/catalogue';
import { PERSONAL_DIGEST_CHANNELS, type TMyDeliveryPreferences } from '@tocsin/contract/delivery-preferences';
import type { TEffectiveBlock, TEffectiveDelivery, TEffectiveEvent, TEffectiveSource } from '@tocsin/contract/notification-admin';
import { routeEvent, SYSTEM_TRUMP_EVENTS } from '../notifications/recipients';

export type TEffectiveInput = {
  events: readonly string[];
  user: { id: number; isActive: boolean; isSuperuser: boolean };
  enabledChannels: ReadonlySet<TExternalChannel>;
  system: ReadonlyMap<string, number>;
  personal: ReadonlyMap<string, number>;
  /** The user's record for one product; null when no product is asked about. */
  product: ReadonlyMap<string, number> | null;
  /** The user may view the event's product: the product asked about, or (without one) any product at all. */
  canView: boolean;
};

/** The channels a person can receive at their own destinations (never Teams: it is a shared channel). */
export const PERSONAL_COLUMNS: readonly TChannel[] = SCOPE_CHANNELS.personal;

const bit = (c: TChannel) => CHANNEL_BITS[c];

function findSources(event: TEventName, channel: TChannel, input: TEffectiveInput): TEffectiveSource[] {
  const sources: TEffectiveSource[] = [];
  const systemMask = input.system.get(event) ?? 0;
  // The system alert reaches everyone with access; for the trump events all the system's channels join the user's own.
  const isFromSystem = SYSTEM_TRUMP_EVENTS.has(event)
    ? (systemMask & bit(channel)) !== 0
    : channel === 'alert' && (systemMask & bit('alert')) !== 0;
  if (isFromSystem) sources.push('system');
  if (((input.personal.get(event) ?? 0) & bit(channel)) !== 0) sources.push('personal');
  if (input.product && findEventInfo(event).isProductEvent && ((input.product.get(event) ?? 0) & bit(channel)) !== 0)
    sources.push('product');
  return sources;
}

function findBlock(channel: TChannel, hasContext: boolean, input: TEffectiveInput): TEffectiveBlock | null {
  if (!input.user.isActive) return 'inactive';
  if (channel !== 'alert' && !input.enabledChannels.has(channel as TExternalChannel)) return 'channel_off';
  if (hasContext && !input.user.isSuperuser && !input.canView) return 'no_access';
  return null;
}

export function computeEffectiveSettings(input: TEffectiveInput): TEffectiveEvent[] {
  return input.events.map((name) => {
    const info = findEventInfo(name);
    const event = info.name;
    const isNamed = SYSTEM_TRUMP_EVENTS.has(event);
    const hasContext = !isNamed;
    const systemMask = input.system.get(event) ?? 0;
    const routed = routeEvent({
      routedAs: event,
      hasContext,
      systemMask,
      candidates: [
        {
          userId: input.user.id,
          isSuperuser: input.user.isSuperuser,
          isActive: input.user.isActive,
          canView: input.canView,
          personalMask: input.personal.get(event) ?? 0,
          productMask: input.product && info.isProductEvent ? (input.product.get(event) ?? 0) : 0,
        },
      ],
      recipients: isNamed ? [input.user.id] : null,
      alertOnly: false,
      enabledChannels: input.enabledChannels,
    });
    const received = routed.users.get(input.user.id) ?? 0;
    const channels: TEffectiveEvent['channels'] = {};
    for (const channel of PERSONAL_COLUMNS) {
      const sources = findSources(event, channel, input);
      const isReceived = (received & bit(channel)) !== 0;
      channels[channel] = {
        is_received: isReceived,
        sources,
        blocked_by: sources.length > 0 && !isReceived ? findBlock(channel, hasContext, input) : null,
      };
    }
    const systemDestinations = EXTERNAL_CHANNELS.filter((c) => (routed.systemMask & bit(c)) !== 0);
    return { event: name, channels, system_destinations: systemDestinations };
  });
}

/**
 * When each personal external channel's deliveries go out, from the user's delivery preferences, by the rules
 * dispatch applies (digests/preferences.ts): a channel on a digest becomes a digest item due at the end of its
 * period, and quiet hours hold only the deliveries that are sent immediately.
 */
export function computeEffectiveDelivery(prefs: TMyDeliveryPreferences): TEffectiveDelivery {
  const channels: TEffectiveDelivery['channels'] = {};
  for (const channel of PERSONAL_DIGEST_CHANNELS) {
    const digest = prefs.channels[channel];
    channels[channel] = {
      mode: digest.mode,
      daily_at: digest.mode === 'daily' ? digest.daily_at : null,
      held_by_quiet_hours: digest.mode === 'immediate' && prefs.quiet_hours !== null,
    };
  }
  return { time_zone: prefs.time_zone, quiet_hours: prefs.quiet_hours, channels };
}

/**
 * Who gets what, where: the routing contract of design.md as one pure function.
 * No database here: dispatch.ts gathers the candidate users (with their masks and RBAC verdict
 * for the event's context) in one set-based query, and writes what this module decides.
 */
import { CHANNEL_BITS, type TEventName, type TExternalChannel } from '@tocsin/contract/catalogue';

export type TRoutingCandidate = {
  userId: number;
  isSuperuser: boolean;
  isActive: boolean;
  /** The user may view the event's product / product type (RBAC, including superuser and global role). */
  canView: boolean;
  /** The user's personal record for the routed event (bitmask). */
  personalMask: number;
  /** The user's record for the event's product (bitmask); 0 when the event has no product. */
  productMask: number;
  /** The channels the user's own rules whose conditions the event meets add (rules/; bitmask); absent = 0. */
  ruleMask?: number;
};

export type TRoutingInput = {
  /** The catalogue event whose settings route it (`other` for names outside the catalogue). */
  routedAs: TEventName;
  /** The event concerns a product or product type (RBAC applies), as opposed to a global event. */
  hasContext: boolean;
  /** The system record's channels for the routed event. */
  systemMask: number;
  candidates: readonly TRoutingCandidate[];
  /** User ids; null means a broadcast. */
  recipients: readonly number[] | null;
  alertOnly: boolean;
  /** External channels switched on in system settings. */
  enabledChannels: ReadonlySet<TExternalChannel>;
};

export type TRoutingResult = {
  /** Per user: the channels to use at that user's own destinations (alert list, email, Slack DM, own webhooks). Never 0. */
  users: Map<number, number>;
  /** Channels sent once to the system destinations (mail, slack, msteams, webhooks bits only). */
  systemMask: number;
};

const ALERT = CHANNEL_BITS.alert;
const EXTERNAL_MASK = CHANNEL_BITS.mail | CHANNEL_BITS.slack | CHANNEL_BITS.msteams | CHANNEL_BITS.webhooks;
/** Teams only has a shared channel, so it is never a personal destination. */
const PERSONAL_MASK = ALERT | CHANNEL_BITS.mail | CHANNEL_BITS.slack | CHANNEL_BITS.webhooks;

/** Events whose system record is added to the recipients' own channels (DefectDojo's NOTIFICATIONS_SYSTEM_LEVEL_TRUMP). */
export const SYSTEM_TRUMP_EVENTS: ReadonlySet<TEventName> = new Set<TEventName>(['user_mentioned', 'review_requested']);

export function enabledChannelsMask(enabled: ReadonlySet<TExternalChannel>, alertOnly: boolean): number {
  if (alertOnly) return ALERT;
  let mask = ALERT;
  for (const c of enabled) mask |= CHANNEL_BITS[c];
  return mask;
}

export function routeEvent(input: TRoutingInput): TRoutingResult {
  const users = new Map<number, number>();
  const allowed = enabledChannelsMask(input.enabledChannels, input.alertOnly);
  const personalAllowed = allowed & PERSONAL_MASK;
  const mayHear = (c: TRoutingCandidate) => c.isActive && (input.hasContext ? c.isSuperuser || c.canView : true);

  if (input.recipients !== null) {
    // A recipients list replaces the broadcast: only those users, by their personal record.
    // An empty list sends nothing, not even to the system destinations.
    const wanted = new Set(input.recipients);
    const extra = SYSTEM_TRUMP_EVENTS.has(input.routedAs) ? input.systemMask : 0;
    for (const c of input.candidates) {
      if (!wanted.has(c.userId) || !mayHear(c)) continue;
      const mask = (c.personalMask | (c.ruleMask ?? 0) | extra) & personalAllowed;
      if (mask !== 0) users.set(c.userId, (users.get(c.userId) ?? 0) | mask);
    }
    return { users, systemMask: 0 };
  }

  const systemAlert = input.systemMask & ALERT;
  for (const c of input.candidates) {
    if (!mayHear(c)) continue;
    // Without a product or product type there is nothing to check access against, so only superusers hear.
    if (!input.hasContext && !c.isSuperuser) continue;
    const productMask = input.hasContext ? c.productMask : 0;
    const mask = (c.personalMask | (c.ruleMask ?? 0) | productMask | systemAlert) & personalAllowed;
    if (mask !== 0) users.set(c.userId, (users.get(c.userId) ?? 0) | mask);
  }
  return { users, systemMask: input.systemMask & EXTERNAL_MASK & allowed };
}

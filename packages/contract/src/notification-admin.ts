/**
 * Admin-managed notification preferences: what a user effectively receives (and why), the changes others made to
 * their settings, and applying the template to existing users.
 */
import { z } from 'zod';
import { ZIntId } from './common';
import { ZDigestMode, ZQuietHours } from './delivery-preferences';
import { ZChannel } from './notification-settings';
import { ZRule } from './rules';

/** Where a channel of an event comes from for one user. */
export const EFFECTIVE_SOURCES = ['system', 'personal', 'product'] as const;
export const ZEffectiveSource = z.enum(EFFECTIVE_SOURCES);
export type TEffectiveSource = z.infer<typeof ZEffectiveSource>;

/**
 * Why a channel that some record selects does not reach the user:
 * channel_off — switched off in System Settings; no_access — the user may not view the product;
 * inactive — the account is deactivated.
 */
export const ZEffectiveBlock = z.enum(['channel_off', 'no_access', 'inactive']);
export type TEffectiveBlock = z.infer<typeof ZEffectiveBlock>;

export const ZEffectiveCell = z.object({
  /** The user receives this event on this channel at their own destination (alert list, email, Slack DM, own webhooks). */
  is_received: z.boolean(),
  /** The records that select it; empty when none does. */
  sources: z.array(ZEffectiveSource),
  /** Set when a record selects it but it does not reach the user. */
  blocked_by: ZEffectiveBlock.nullable(),
});
export type TEffectiveCell = z.infer<typeof ZEffectiveCell>;

export const ZEffectiveEvent = z.object({
  event: z.string(),
  /** One cell per channel of `columns`. */
  channels: z.record(z.string(), ZEffectiveCell),
  /** Channels the system record sends once to the shared system destinations (system email, Slack channel, Teams, webhooks with no owner). */
  system_destinations: z.array(ZChannel),
});
export type TEffectiveEvent = z.infer<typeof ZEffectiveEvent>;

/** When one personal external channel's deliveries go out for the user. */
export const ZEffectiveTiming = z.object({
  /** immediate, or collected into an hourly or daily digest. */
  mode: ZDigestMode,
  /** daily: the time of day (HH:MM) in the user's time zone; null otherwise. */
  daily_at: z.string().nullable(),
  /** The user's quiet hours hold this channel's deliveries until they end (immediate only: a digest keeps its time). */
  held_by_quiet_hours: z.boolean(),
});
export type TEffectiveTiming = z.infer<typeof ZEffectiveTiming>;

/** The user's delivery preferences as they apply to what they receive (issue 10 §4). */
export const ZEffectiveDelivery = z.object({
  time_zone: z.string(),
  /** null: no quiet hours. The window is in `time_zone`; critical_passes lets Critical findings through at once. */
  quiet_hours: ZQuietHours.nullable(),
  /** One entry per personal external channel (mail, slack, webhooks). */
  channels: z.record(z.string(), ZEffectiveTiming),
});
export type TEffectiveDelivery = z.infer<typeof ZEffectiveDelivery>;

/** GET /api/users/me/effective-notifications and GET /api/users/{id}/effective-notifications. */
export const ZEffectiveNotifications = z.object({
  user_id: z.number().int(),
  /** The personal channels (alert, mail, Slack, webhooks); those switched off in System Settings are listed in `channels_off`. */
  columns: z.array(ZChannel),
  channels_off: z.array(ZChannel),
  /** Set with ?product_id=: the product, and whether the user may view it (no → its events will not reach them). */
  product: z.object({ id: z.number().int(), name: z.string(), can_view: z.boolean() }).nullable(),
  /** How many products the user may view; 0 means events about products will not reach them at all. */
  visible_products: z.number().int(),
  /** The user sees every product (superuser or global role). */
  sees_everything: z.boolean(),
  events: z.array(ZEffectiveEvent),
  /** When the personal external channels' deliveries go out: immediately or in a digest, and under quiet hours. */
  delivery: ZEffectiveDelivery,
});
export type TEffectiveNotifications = z.infer<typeof ZEffectiveNotifications>;

export const ZEffectiveQuery = z.strictObject({ product_id: ZIntId.optional() });

/** One changed event in a change set: the channels before and after. */
export const ZNotificationChange = z.object({
  event: z.string(),
  before: z.array(ZChannel),
  after: z.array(ZChannel),
  added: z.array(ZChannel),
  removed: z.array(ZChannel),
});

export const RULE_CHANGE_ACTIONS = ['created', 'changed', 'deleted'] as const;

/** A superuser's change to one of the user's personal rules: the rule as it was and as it became. */
export const ZRuleChange = z.object({
  id: z.number().int(),
  /** The rule's name after the change (before it, for a deletion). */
  name: z.string(),
  action: z.enum(RULE_CHANGE_ACTIONS),
  /** null for a creation. */
  before: ZRule.nullable(),
  /** null for a deletion. */
  after: ZRule.nullable(),
});
export type TRuleChange = z.infer<typeof ZRuleChange>;

/**
 * One action by someone else on a user's settings (an admin edit or the template applied), or on one of their
 * personal rules (scope rule: `changes` lists the channels the rule adds per event it is about, before and after).
 */
export const ZNotificationChangeSet = z.object({
  id: z.string(),
  source: z.enum(['admin', 'template']),
  scope: z.enum(['personal', 'product', 'rule']),
  product: z.object({ id: z.number().int(), name: z.string() }).nullable(),
  /** Set for scope rule. */
  rule: ZRuleChange.nullable(),
  /** Who made it; null when that account was deleted. */
  changed_by: z.object({ id: z.number().int(), username: z.string() }).nullable(),
  created_at: z.string(),
  changes: z.array(ZNotificationChange),
});
export type TNotificationChangeSet = z.infer<typeof ZNotificationChangeSet>;

export const ZNotificationChangeSets = z.object({ items: z.array(ZNotificationChangeSet) });
export type TNotificationChangeSets = z.infer<typeof ZNotificationChangeSets>;

export const TEMPLATE_APPLY_MODES = ['merge', 'replace'] as const;

/**
 * POST /api/notifications/template/preview and /apply. merge adds the template's channels to each user's personal
 * record; replace makes the personal record equal to the template. users: "all" (every person, never service
 * users) or a list of user ids.
 */
export const ZApplyTemplateBody = z.strictObject({
  mode: z.enum(TEMPLATE_APPLY_MODES, { message: 'mode: choose "merge" (add the template\'s channels) or "replace"' }),
  users: z.union([
    z.literal('all'),
    z
      .array(z.number().int().positive())
      .min(1, 'Choose at least one user, or send "all"')
      .max(10000, 'Choose at most 10,000 users, or send "all"'),
  ]),
  /** Preview only: list the users whose settings change (at most 500). */
  include_users: z.boolean().optional(),
});
export type TApplyTemplateBody = z.infer<typeof ZApplyTemplateBody>;

export const ZTemplateApplyUser = z.object({ id: z.number().int(), username: z.string(), settings_changed: z.number().int() });

export const ZTemplateApplyResult = z.object({
  mode: z.enum(TEMPLATE_APPLY_MODES),
  /** People the action covers. */
  users_considered: z.number().int(),
  /** People whose personal record changes. */
  users_changed: z.number().int(),
  /** Event × channel selections that change, over all users. */
  settings_changed: z.number().int(),
  /** With include_users (preview): the users whose settings change, by username, at most 500. */
  users: z.array(ZTemplateApplyUser).optional(),
  /** Apply only: the change set id written to each changed user's history. */
  change_set_id: z.string().optional(),
});
export type TTemplateApplyResult = z.infer<typeof ZTemplateApplyResult>;

import { z } from 'zod';
import { ZCalendarDate } from './calendar-date';
import { ROLES } from './catalogue';
import { ZPlainLine } from './plain-text';

export const ZRole = z.enum(ROLES);

export const ZUser = z.object({
  id: z.number().int(),
  username: z.string(),
  email: z.string(),
  first_name: z.string(),
  last_name: z.string(),
  is_active: z.boolean(),
  is_superuser: z.boolean(),
  global_role: ZRole.nullable(),
  slack_email: z.string().nullable(),
  /** A service account for integrations: it holds integration tokens and cannot log in. */
  is_service: z.boolean(),
  created_at: z.string(),
});
export type TUser = z.infer<typeof ZUser>;

export const ZLoginBody = z.strictObject({
  username: ZPlainLine.min(1, 'Enter your username').max(150),
  password: z.string().min(1, 'Enter your password').max(1024),
});
export type TLoginBody = z.infer<typeof ZLoginBody>;

/** Answer of POST /api/auth/login and GET /api/auth/me. csrf_token goes in X-CSRF-Token on cookie-authenticated writes. */
export const ZSession = z.object({ user: ZUser, csrf_token: z.string() });
export type TSession = z.infer<typeof ZSession>;

const ZPassword = z.string().min(10, 'Use at least 10 characters').max(1024);
const ZEmail = z.string().trim().email('Enter a valid email address').max(254);
/** First and last names: one line of plain text, possibly empty. */
const ZPersonName = ZPlainLine.max(150);
/** Usernames also name recipients in POST /api/events, so the alphabet stays narrow. */
const ZUsername = ZPlainLine.min(1, 'Enter a username')
  .max(150)
  .regex(/^[A-Za-z0-9_.@+-]+$/, 'Use letters, digits and @ . + - _ only');

export const ZUpdateProfileBody = z.strictObject({
  first_name: ZPersonName.optional(),
  last_name: ZPersonName.optional(),
  email: ZEmail.optional(),
  /** Additional Contact Information: where personal Slack DMs go. Empty string or null clears it. */
  slack_email: z.union([ZEmail, z.literal(''), z.null()]).optional(),
});
export type TUpdateProfileBody = z.infer<typeof ZUpdateProfileBody>;

export const ZChangePasswordBody = z.strictObject({ current_password: z.string().min(1), new_password: ZPassword });
export type TChangePasswordBody = z.infer<typeof ZChangePasswordBody>;

export const ZCreateUserBody = z
  .strictObject({
    username: ZUsername,
    email: ZEmail,
    first_name: ZPersonName.default(''),
    last_name: ZPersonName.default(''),
    /** Required for people; a service user has none (it cannot log in) and must not be given one. */
    password: ZPassword.optional(),
    is_active: z.boolean().default(true),
    is_superuser: z.boolean().default(false),
    global_role: ZRole.nullable().default(null),
    is_service: z.boolean().default(false),
  })
  .superRefine((b, ctx) => {
    if (!b.is_service && b.password === undefined) ctx.addIssue({ code: 'custom', path: ['password'], message: 'Enter a password' });
    if (b.is_service && b.password !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['password'], message: 'A service user cannot log in, so it has no password' });
    }
    if (b.is_service && b.is_superuser) {
      ctx.addIssue({ code: 'custom', path: ['is_superuser'], message: 'A service user cannot be a superuser' });
    }
  });
export type TCreateUserBody = z.input<typeof ZCreateUserBody>;

export const ZUpdateUserBody = z.strictObject({
  email: ZEmail.optional(),
  first_name: ZPersonName.optional(),
  last_name: ZPersonName.optional(),
  password: ZPassword.optional(),
  is_active: z.boolean().optional(),
  is_superuser: z.boolean().optional(),
  global_role: ZRole.nullable().optional(),
});
export type TUpdateUserBody = z.infer<typeof ZUpdateUserBody>;

export const ZMembership = z.object({ id: z.number().int(), name: z.string(), role: ZRole });
export const ZMemberships = z.object({ product_types: z.array(ZMembership), products: z.array(ZMembership) });
export type TMemberships = z.infer<typeof ZMemberships>;
const ZMembershipGrant = z.strictObject({ id: z.number().int().positive(), role: ZRole });
export const ZSetMembershipsBody = z.strictObject({
  product_types: z.array(ZMembershipGrant).max(10000),
  products: z.array(ZMembershipGrant).max(10000),
});
export type TSetMembershipsBody = z.infer<typeof ZSetMembershipsBody>;

export const ZApiToken = z.object({
  id: z.number().int(),
  name: z.string(),
  /** First characters of the key, to tell tokens apart; the key itself is shown once. */
  prefix: z.string(),
  /** personal: made by its owner on the profile page; integration: made by a superuser. */
  kind: z.enum(['personal', 'integration']),
  created_at: z.string(),
  last_used_at: z.string().nullable(),
  /** Last day (YYYY-MM-DD, in the server's TIME_ZONE) on which the token works; null: no expiry. */
  expires_on: z.string().nullable(),
  is_expired: z.boolean(),
});
export type TApiToken = z.infer<typeof ZApiToken>;

/** Optional expiry: the token works through this day. */
const ZTokenExpiry = ZCalendarDate.nullable().optional();

export const ZCreateTokenBody = z.strictObject({
  name: ZPlainLine.min(1, 'Name the token').max(100),
  expires_on: ZTokenExpiry,
});
export type TCreateTokenBody = z.infer<typeof ZCreateTokenBody>;
export const ZCreatedToken = z.object({ token: ZApiToken, key: z.string() });
export type TCreatedToken = z.infer<typeof ZCreatedToken>;

/** GET /api/users/integration-tokens (superusers): tokens made for integrations, with owner and maker. */
export const ZIntegrationToken = ZApiToken.extend({
  owner: z.object({ id: z.number().int(), username: z.string() }),
  /** The superuser who made it (null once that account is gone). */
  created_by: z.string().nullable(),
  /** May raise events without product context (while its maker is an active superuser). */
  can_raise_context_free: z.boolean(),
});
export type TIntegrationToken = z.infer<typeof ZIntegrationToken>;

export const ZCreateIntegrationTokenBody = z.strictObject({
  name: ZPlainLine.min(1, 'Name the token').max(100),
  /** The superuser making it, or a service user. */
  owner_id: z.number().int().positive(),
  can_raise_context_free: z.boolean().default(false),
  expires_on: ZTokenExpiry,
});
export type TCreateIntegrationTokenBody = z.infer<typeof ZCreateIntegrationTokenBody>;
export const ZCreatedIntegrationToken = z.object({ token: ZIntegrationToken, key: z.string() });
export type TCreatedIntegrationToken = z.infer<typeof ZCreatedIntegrationToken>;

/** GET /api/users/options: active users for pickers (engagement lead, webhook owner). */
export const ZUserOption = z.object({ id: z.number().int(), username: z.string() });
export type TUserOption = z.infer<typeof ZUserOption>;

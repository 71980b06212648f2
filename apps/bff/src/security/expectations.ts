/**
 * Who may call what: one entry per operation of the OpenAPI document, keyed "METHOD /path" as the document spells
 * it. The route matrix (route-matrix.test.ts) walks the document and fails for an operation without an entry, so a
 * new route cannot ship without someone deciding who may call it.
 *
 * Access kinds (anonymous callers get 401 on everything but `public`):
 * - `public`: anyone, logged in or not.
 * - `self`: every logged-in user; the route acts on the caller's own things (or lists what the caller may see).
 * - `superuser`: superusers only; the others get `refusal` (403 when the route says "not allowed", 404 when it
 *   hides that the object exists).
 * - `view`: who may view the seeded product (Reader and up, and superusers); the user without access gets 404.
 * - `write`: who holds at least `min` on the seeded product (or is a superuser); viewers below it get 403,
 *   the user without access 404.
 * - `only`: the listed roles; each other role gets the status given in `others` (per role; 400 where the object
 *   is named in the body, which answers a hidden object like a missing one, as a field error).
 *
 * `body` and `params` build a valid request from the seeded world, so an allowed role gets a 2xx and a refused
 * one is refused for who it is, not for what it sent. `once`: the call changes the object so that a second
 * allowed caller could not repeat it; each allowed role then gets a world of its own. `isolated`: the call would
 * spoil the world the other operations share (it ends sessions or deletes a seeded object), so it gets its own.
 */
import { TEST_PASSWORD } from '../test-utils';
import { SLA_PERIODS, type TLoggedInRole, type TRoleName, type TWorld } from './world';

export type TAccess =
  | { kind: 'public' }
  | { kind: 'self' }
  | { kind: 'superuser'; refusal: 403 | 404 }
  | { kind: 'view' }
  | { kind: 'write'; min: 'Writer' | 'Maintainer' }
  | { kind: 'only'; roles: TLoggedInRole[]; others: Partial<Record<TLoggedInRole, 400 | 403 | 404>> };

export type TExpectation = {
  access: TAccess;
  body?: (w: TWorld, role: TRoleName) => unknown;
  params?: (w: TWorld, role: TRoleName) => Record<string, string | number>;
  /** The body is multipart (the scan upload): `body` gives its fields, the file is the generic fixture. */
  multipart?: boolean;
  once?: boolean;
  /** The call spoils the shared world for the operations after it (ends sessions, deletes seeded objects). */
  isolated?: boolean;
};

const PUBLIC: TAccess = { kind: 'public' };
const SELF: TAccess = { kind: 'self' };
const SUPERUSER: TAccess = { kind: 'superuser', refusal: 403 };
const SUPERUSER_HIDDEN: TAccess = { kind: 'superuser', refusal: 404 };
const VIEW: TAccess = { kind: 'view' };
const WRITER: TAccess = { kind: 'write', min: 'Writer' };
const MAINTAINER: TAccess = { kind: 'write', min: 'Maintainer' };

/** The caller's own object: anonymous callers name the superuser's (they get 401 before it matters). */
const own = (ids: Record<TLoggedInRole, number>, role: TRoleName) => ids[role === 'anonymous' ? 'superuser' : role];
const settingsBody = () => ({ settings: { scan_added: ['alert'] } });
const ruleBody = (_w: TWorld, role: TRoleName) => ({
  name: `Critical for ${role}`,
  events: ['sla_breach', 'scan_added'],
  channels: ['alert', 'mail'],
  conditions: { min_severity: 'Critical', product_tags: ['pci'] },
});
const systemRuleBody = (w: TWorld, role: TRoleName) => ({
  name: `Critical to the SIEM by ${role}`,
  events: ['sla_breach'],
  destination_ids: [w.ids.destination],
  conditions: { min_severity: 'Critical' },
});
/** The seeded personal rule by id is the Writer's. */
const WRITERS_RULE: TAccess = {
  kind: 'only',
  roles: ['writer'],
  others: { stranger: 404, reader: 404, maintainer: 404, superuser: 404 },
};

export const EXPECTATIONS: Record<string, TExpectation> = {
  'GET /api/health': { access: PUBLIC },
  'GET /api/ready': { access: PUBLIC },
  'POST /api/auth/login': {
    access: PUBLIC,
    body: (_w, role) => ({ username: role === 'anonymous' ? 'stranger' : role === 'superuser' ? 'root' : role, password: TEST_PASSWORD }),
  },
  'POST /api/auth/logout': { isolated: true, access: PUBLIC },
  'GET /api/auth/me': { access: SELF },

  'GET /api/me': { access: SELF },
  'PATCH /api/me': { access: SELF, body: () => ({ first_name: 'Renamed' }) },
  'POST /api/me/password': {
    isolated: true,
    access: SELF,
    body: () => ({ current_password: TEST_PASSWORD, new_password: 'another-password-456' }),
  },
  'GET /api/me/tokens': { access: SELF },
  'POST /api/me/tokens': { access: SELF, body: (_w, role) => ({ name: `${role} desktop` }) },
  'DELETE /api/me/tokens/{id}': { access: SELF, params: (w, role) => ({ id: own(w.ids.tokens, role) }) },

  'GET /api/users/options': { access: SELF },
  'GET /api/users': { access: SUPERUSER },
  'POST /api/users': {
    access: SUPERUSER,
    body: (_w, role) => ({ username: `new-${role}`, email: `new-${role}@example.test`, password: 'a-long-password-1' }),
  },
  'GET /api/users/integration-tokens': { access: SUPERUSER },
  'POST /api/users/integration-tokens': { access: SUPERUSER, body: (w) => ({ name: 'Scanner', owner_id: w.users.superuser.id }) },
  'DELETE /api/users/integration-tokens/{id}': { isolated: true, access: SUPERUSER, params: (w) => ({ id: w.ids.integrationToken }) },
  'GET /api/users/{id}': { access: SUPERUSER, params: (w) => ({ id: w.users.victim.id }) },
  'PATCH /api/users/{id}': { access: SUPERUSER, params: (w) => ({ id: w.users.victim.id }), body: () => ({ first_name: 'Victor' }) },
  'GET /api/users/{id}/memberships': { access: SUPERUSER, params: (w) => ({ id: w.users.victim.id }) },
  'PUT /api/users/{id}/memberships': {
    access: SUPERUSER,
    params: (w) => ({ id: w.users.victim.id }),
    body: (w) => ({ product_types: [], products: [{ id: w.ids.product, role: 'Reader' }] }),
  },

  'GET /api/alerts': { access: SELF },
  'DELETE /api/alerts': { isolated: true, access: SELF },
  'GET /api/alerts/summary': { access: SELF },
  'GET /api/alerts/stream': { access: SELF },
  'POST /api/alerts/seen': { access: SELF, body: (w, role) => ({ through_id: own(w.ids.alerts, role) }) },
  'POST /api/alerts/remove': { isolated: true, access: SELF, body: (w, role) => ({ ids: [own(w.ids.alerts, role)] }) },
  'POST /api/alerts/restore': { access: SELF, body: (w, role) => ({ ids: [own(w.ids.alerts, role)] }) },
  'GET /api/alerts/{id}': { access: SELF, params: (w, role) => ({ id: own(w.ids.alerts, role) }) },

  'POST /api/events': { access: WRITER, body: (w) => ({ event: 'other', title: 'Deploy finished', product_id: w.ids.product }) },

  'GET /api/product-types': { access: SELF },
  'POST /api/product-types': { access: SUPERUSER, body: (_w, role) => ({ name: `Type of ${role}` }) },
  'GET /api/product-types/{id}': { access: VIEW },
  'GET /api/products': { access: SELF },
  // The product type is named in the body: one the caller cannot see is a field error (400), like a missing one.
  'POST /api/products': {
    access: { kind: 'only', roles: ['superuser'], others: { stranger: 400, reader: 403, writer: 403, maintainer: 403 } },
    body: (w, role) => ({ name: `Product of ${role}`, product_type_id: w.ids.productType }),
  },
  'GET /api/products/{id}': { access: VIEW },
  'GET /api/products/{id}/notifications': { access: VIEW },
  'PUT /api/products/{id}/notifications': { access: VIEW, body: settingsBody },
  'GET /api/notifications/settings/{scope}': { access: SUPERUSER, params: () => ({ scope: 'system' }) },
  'PUT /api/notifications/settings/{scope}': { access: SUPERUSER, params: () => ({ scope: 'system' }), body: settingsBody },

  'GET /api/engagements': { access: SELF },
  // The product is named in the body: one the caller cannot see is a field error (400), like a missing one.
  'POST /api/engagements': {
    access: { kind: 'only', roles: ['writer', 'maintainer', 'superuser'], others: { stranger: 400, reader: 403 } },
    body: (w, role) => ({ name: `Pentest by ${role}`, product_id: w.ids.product, target_start: '2026-03-01', target_end: '2026-03-31' }),
  },
  'GET /api/engagements/{id}': { access: VIEW },
  'POST /api/engagements/{id}/close': { access: WRITER, once: true },
  'POST /api/engagements/{id}/reopen': { access: WRITER, once: true, params: (w) => ({ id: w.ids.closedEngagement }) },

  'GET /api/system-settings': { access: SUPERUSER },
  'PUT /api/system-settings': { access: SUPERUSER, body: () => ({ team_name: 'Blue team' }) },
  'POST /api/system-settings/test/{channel}': { access: SUPERUSER, params: () => ({ channel: 'webhooks' }) },

  'GET /api/webhooks': { access: SELF },
  'POST /api/webhooks': { access: SELF, body: (w, role) => ({ name: `Hook of ${role}`, url: `${w.receiver.url}/${role}` }) },
  // The seeded webhook is a system webhook: only superusers know it exists.
  'PATCH /api/webhooks/{id}': { access: SUPERUSER_HIDDEN, body: () => ({ name: 'SIEM (renamed)' }) },
  'DELETE /api/webhooks/{id}': { isolated: true, access: SUPERUSER_HIDDEN },
  'POST /api/webhooks/{id}/deactivate': { access: SUPERUSER_HIDDEN },
  'POST /api/webhooks/{id}/activate': { access: SUPERUSER_HIDDEN },
  'POST /api/webhooks/{id}/test': { access: SUPERUSER_HIDDEN },

  'GET /api/deliveries': { access: SELF },
  'GET /api/deliveries/stats': { access: SELF },
  // The seeded delivery went to the system webhook.
  'GET /api/deliveries/{id}': { access: SUPERUSER_HIDDEN },
  'POST /api/deliveries/{id}/retry': { access: SUPERUSER_HIDDEN },

  'GET /api/jobs': { access: SUPERUSER },
  'POST /api/jobs/{name}/run': { access: SUPERUSER },

  'POST /api/imports': {
    access: WRITER,
    multipart: true,
    body: (w) => ({ engagement_id: w.ids.engagement }),
  },
  'GET /api/tests/{id}': { access: VIEW },
  'GET /api/products/{id}/tests': { access: VIEW },
  'GET /api/products/{id}/findings': { access: VIEW },
  'GET /api/products/{id}/tags': { access: VIEW },
  'PUT /api/products/{id}/tags': { access: MAINTAINER, body: () => ({ tags: ['pci'] }) },
  'GET /api/products/{id}/sla': { access: VIEW },
  'PUT /api/products/{id}/sla': { access: MAINTAINER, body: () => ({ sla_notifications: false }) },
  'POST /api/products/{id}/risk-acceptances': {
    access: WRITER,
    body: (w, role) => ({ name: `Accepted by ${role}`, finding_ids: [w.ids.finding], owner_id: w.users.superuser.id, expires_on: null }),
    once: true,
  },
  'GET /api/products/{id}/risk-acceptances': { access: VIEW },
  'GET /api/findings/{id}': { access: VIEW },
  'PATCH /api/findings/{id}': {
    // The same severity twice is a 409: each allowed role corrects it in a world of its own.
    once: true,
    access: WRITER,
    body: () => ({ severity: 'Low', reason: 'Only reachable from the office network' }),
  },
  'POST /api/findings/{id}/status': { access: WRITER, body: () => ({ status: 'false_positive' }), once: true },
  'GET /api/findings/{id}/notes': { access: VIEW },
  'POST /api/findings/{id}/notes': { access: VIEW, body: (_w, role) => ({ entry: `Seen by ${role}` }) },
  'GET /api/findings/{id}/mentionable': { access: VIEW },
  'POST /api/findings/{id}/review-requests': {
    access: WRITER,
    body: (w) => ({ reviewer_ids: [w.users.reader.id], note: 'Second opinion' }),
    once: true,
  },
  'GET /api/findings/{id}/reviews': { access: VIEW },
  'GET /api/engagements/{id}/notes': { access: VIEW },
  'POST /api/engagements/{id}/notes': { access: VIEW, body: (_w, role) => ({ entry: `Engagement seen by ${role}` }) },
  'GET /api/engagements/{id}/mentionable': { access: VIEW },
  'POST /api/engagements/{id}/risk-acceptances': {
    access: WRITER,
    body: (w, role) => ({ name: `Accepted by ${role}`, finding_ids: [w.ids.finding], owner_id: w.users.superuser.id, expires_on: null }),
    once: true,
  },
  // The seeded note was written by the superuser: only its author may edit it.
  'PATCH /api/notes/{id}': {
    access: { kind: 'only', roles: ['superuser'], others: { stranger: 404, reader: 403, writer: 403, maintainer: 403 } },
    body: () => ({ entry: 'Looked at it again.' }),
  },
  'GET /api/reviews': { access: SELF },
  // The seeded review asks the Writer: only the reviewer may complete it.
  'POST /api/reviews/{id}/complete': {
    access: { kind: 'only', roles: ['writer'], others: { stranger: 404, reader: 403, maintainer: 403, superuser: 403 } },
  },
  'GET /api/sla-configurations': { access: SELF },
  'POST /api/sla-configurations': { access: SUPERUSER, body: (_w, role) => ({ name: `SLA of ${role}`, periods: SLA_PERIODS }) },
  'GET /api/sla-configurations/{id}': { access: SELF },
  'PUT /api/sla-configurations/{id}': { access: SUPERUSER, body: () => ({ name: 'Stricter', periods: SLA_PERIODS }) },
  'DELETE /api/sla-configurations/{id}': { isolated: true, access: SUPERUSER },
  'GET /api/system-settings/findings': { access: SUPERUSER },
  'PUT /api/system-settings/findings': { access: SUPERUSER, body: () => ({ sla_backoff: true }) },
  'GET /api/risk-acceptances/{id}': { access: VIEW },

  // Personal rules: every logged-in user, on their own rules. The seeded rule by id is the Writer's: to anybody
  // else, superusers included, it does not exist.
  'GET /api/rules': { access: SELF },
  'POST /api/rules': { access: SELF, body: ruleBody },
  'POST /api/rules/preview': { access: SELF, body: () => ({ events: ['sla_breach'], conditions: { min_severity: 'High' } }) },
  'GET /api/rules/{id}': { access: WRITERS_RULE },
  'PUT /api/rules/{id}': { access: WRITERS_RULE, body: ruleBody },
  'DELETE /api/rules/{id}': { isolated: true, access: WRITERS_RULE },
  // System rules route events to named destinations: superusers, everyone else is refused before the body is read.
  'GET /api/system-rules': { access: SUPERUSER },
  'POST /api/system-rules': { access: SUPERUSER, body: systemRuleBody },
  'POST /api/system-rules/preview': { access: SUPERUSER, body: () => ({ events: ['sla_breach'] }) },
  'GET /api/system-rules/{id}': { access: SUPERUSER },
  'PUT /api/system-rules/{id}': { access: SUPERUSER, body: systemRuleBody },
  'DELETE /api/system-rules/{id}': { isolated: true, access: SUPERUSER },
  // Destinations: superusers. A new one is an email list (nothing is sent); the seeded one is a webhook to the
  // allowlisted loopback receiver, which "Send a test" pings.
  'GET /api/destinations': { access: SUPERUSER },
  'POST /api/destinations': {
    access: SUPERUSER,
    body: (_w, role) => ({ kind: 'mail', name: `List of ${role}`, addresses: [`${role}-team@example.test`] }),
  },
  'GET /api/destinations/{id}': { access: SUPERUSER },
  'PUT /api/destinations/{id}': {
    access: SUPERUSER,
    body: (w) => ({ kind: 'webhook', name: 'Security SIEM (renamed)', url: `${w.receiver.url}/destination`, header_name: 'X-Team' }),
  },
  'DELETE /api/destinations/{id}': { isolated: true, access: SUPERUSER },
  'POST /api/destinations/{id}/test': { access: SUPERUSER },

  // Admin-managed preferences: my own view and history (any logged-in user); another user's (superusers).
  'GET /api/users/me/effective-notifications': { access: SELF },
  'GET /api/users/me/notification-changes': { access: SELF },
  'GET /api/users/{id}/effective-notifications': { access: SUPERUSER },
  'GET /api/users/{id}/notification-changes': { access: SUPERUSER },
  'GET /api/users/{id}/notification-settings': { access: SUPERUSER },
  'PUT /api/users/{id}/notification-settings': { access: SUPERUSER, body: settingsBody },
  'GET /api/users/{id}/notification-settings/products/{productId}': { access: SUPERUSER },
  // Settings for a product are refused (400) for a user who cannot view it: the Reader can.
  'PUT /api/users/{id}/notification-settings/products/{productId}': {
    access: SUPERUSER,
    params: (w) => ({ id: w.users.reader.id, productId: w.ids.product }),
    body: settingsBody,
  },
  // Another user's personal rules (superusers; the rest are refused before the user is looked up). By id: the
  // Writer's seeded rule, under the Writer.
  'GET /api/users/{id}/rules': { access: SUPERUSER, params: (w) => ({ id: w.users.writer.id }) },
  'POST /api/users/{id}/rules': { access: SUPERUSER, params: (w) => ({ id: w.users.victim.id }), body: ruleBody },
  'POST /api/users/{id}/rules/preview': {
    access: SUPERUSER,
    params: (w) => ({ id: w.users.reader.id }),
    body: () => ({ events: ['sla_breach'], conditions: { min_severity: 'High' } }),
  },
  'GET /api/users/{id}/rules/{ruleId}': { access: SUPERUSER, params: (w) => ({ id: w.users.writer.id, ruleId: w.ids.rules.writer }) },
  'PUT /api/users/{id}/rules/{ruleId}': {
    access: SUPERUSER,
    params: (w) => ({ id: w.users.writer.id, ruleId: w.ids.rules.writer }),
    body: ruleBody,
  },
  'DELETE /api/users/{id}/rules/{ruleId}': {
    isolated: true,
    access: SUPERUSER,
    params: (w) => ({ id: w.users.writer.id, ruleId: w.ids.rules.writer }),
  },
  'POST /api/notifications/template/preview': { access: SUPERUSER, body: (w) => ({ mode: 'merge', users: [w.users.victim.id] }) },
  'POST /api/notifications/template/apply': { access: SUPERUSER, body: (w) => ({ mode: 'merge', users: [w.users.victim.id] }) },
};

/** The status class a role should get: 'ok' for 2xx, else the refusal status. */
export function expectedOutcome(access: TAccess, role: TRoleName): 'ok' | 400 | 401 | 403 | 404 {
  if (access.kind === 'public') return 'ok';
  if (role === 'anonymous') return 401;
  switch (access.kind) {
    case 'self':
      return 'ok';
    case 'superuser':
      return role === 'superuser' ? 'ok' : access.refusal;
    case 'view':
      return role === 'stranger' ? 404 : 'ok';
    case 'write': {
      if (role === 'superuser') return 'ok';
      if (role === 'stranger') return 404;
      const rank = { reader: 0, writer: 1, maintainer: 2 }[role];
      return rank >= (access.min === 'Writer' ? 1 : 2) ? 'ok' : 403;
    }
    case 'only':
      return access.roles.includes(role) ? 'ok' : (access.others[role] ?? 403);
  }
}

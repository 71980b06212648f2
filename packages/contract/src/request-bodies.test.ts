/**
 * Rules every request body of the contract follows: unknown keys are refused by name (including
 * `__proto__` and `constructor`, which JSON.parse makes ordinary own keys), names are one line of
 * plain text, secrets hold no line break, dates exist. One table row per body or field.
 */
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import * as alerts from './alerts';
import * as auth from './auth';
import * as events from './events';
import * as findings from './findings';
import * as findingsApi from './findings-api';
import * as notificationAdmin from './notification-admin';
import * as notificationSettings from './notification-settings';
import * as products from './products';
import * as systemSettings from './system-settings';
import * as webhooks from './webhooks';

const MODULES = {
  alerts,
  auth,
  events,
  findings,
  findingsApi,
  notificationAdmin,
  notificationSettings,
  products,
  systemSettings,
  webhooks,
};

/** A minimal valid body for each request-body schema. */
const VALID_BODIES: Record<string, { schema: z.ZodType; body: Record<string, unknown> }> = {
  ZRemoveAlertsBody: { schema: alerts.ZRemoveAlertsBody, body: { ids: [1] } },
  ZRestoreAlertsBody: { schema: alerts.ZRestoreAlertsBody, body: { ids: [1] } },
  ZMarkAlertsSeenBody: { schema: alerts.ZMarkAlertsSeenBody, body: { through_id: 1 } },
  ZImportScanBody: { schema: findings.ZImportScanBody, body: { engagement_id: 1 } },
  ZFindingStatusChangeBody: { schema: findings.ZFindingStatusChangeBody, body: { status: 'false_positive' } },
  ZCreateNoteBody: { schema: findings.ZCreateNoteBody, body: { entry: 'Looks exploitable, @bob' } },
  ZEditNoteBody: { schema: findings.ZEditNoteBody, body: { entry: 'Fixed in 1.2' } },
  ZReviewRequestBody: { schema: findings.ZReviewRequestBody, body: { reviewer_ids: [2], note: 'Please check' } },
  ZSlaConfigurationBody: {
    schema: findings.ZSlaConfigurationBody,
    body: { name: 'Strict', periods: findings.DEFAULT_SLA_PERIODS },
  },
  ZCreateRiskAcceptanceBody: {
    schema: findings.ZCreateRiskAcceptanceBody,
    body: { name: 'Accepted for Q3', finding_ids: [1], owner_id: 1, expires_on: '2026-12-31' },
  },
  ZCompleteReviewBody: { schema: findingsApi.ZCompleteReviewBody, body: {} },
  ZUpdateFindingBody: { schema: findingsApi.ZUpdateFindingBody, body: { severity: 'High', reason: 'The scanner overrated it' } },
  ZUpdateProductSlaBody: { schema: findingsApi.ZUpdateProductSlaBody, body: { sla_notifications: false } },
  ZUpdateFindingNoticeSettingsBody: { schema: findingsApi.ZUpdateFindingNoticeSettingsBody, body: { sla_backoff: true } },
  ZSetProductTagsBody: { schema: findingsApi.ZSetProductTagsBody, body: { tags: ['pci'] } },
  ZLoginBody: { schema: auth.ZLoginBody, body: { username: 'alice', password: 'secret' } },
  ZUpdateProfileBody: { schema: auth.ZUpdateProfileBody, body: { first_name: 'Alice' } },
  ZChangePasswordBody: { schema: auth.ZChangePasswordBody, body: { current_password: 'old', new_password: 'a-new-password' } },
  ZCreateUserBody: { schema: auth.ZCreateUserBody, body: { username: 'bob', email: 'bob@example.com', password: 'a-new-password' } },
  ZUpdateUserBody: { schema: auth.ZUpdateUserBody, body: { is_active: false } },
  ZSetMembershipsBody: { schema: auth.ZSetMembershipsBody, body: { product_types: [], products: [{ id: 1, role: 'Writer' }] } },
  ZCreateTokenBody: { schema: auth.ZCreateTokenBody, body: { name: 'CI pipeline' } },
  ZCreateIntegrationTokenBody: { schema: auth.ZCreateIntegrationTokenBody, body: { name: 'GitLab CI', owner_id: 1 } },
  ZCreateEventBody: { schema: events.ZCreateEventBody, body: { event: 'scan_added', title: 'ZAP scan imported' } },
  ZApplyTemplateBody: { schema: notificationAdmin.ZApplyTemplateBody, body: { mode: 'merge', users: 'all' } },
  ZSaveSettingsBody: { schema: notificationSettings.ZSaveSettingsBody, body: { settings: { scan_added: ['alert'] } } },
  ZCreateProductTypeBody: { schema: products.ZCreateProductTypeBody, body: { name: 'Web' } },
  ZCreateProductBody: { schema: products.ZCreateProductBody, body: { name: 'Shop', product_type_id: 1 } },
  ZCreateEngagementBody: {
    schema: products.ZCreateEngagementBody,
    body: { name: 'Q3 pentest', product_id: 1, target_start: '2026-01-01', target_end: '2026-01-31' },
  },
  ZUpdateSystemSettingsBody: { schema: systemSettings.ZUpdateSystemSettingsBody, body: { mail_enabled: true } },
  ZSendTestBody: { schema: systemSettings.ZSendTestBody, body: {} },
  ZCreateWebhookBody: { schema: webhooks.ZCreateWebhookBody, body: { name: 'SIEM', url: 'https://siem.example.com/hook' } },
  ZUpdateWebhookBody: { schema: webhooks.ZUpdateWebhookBody, body: { name: 'SIEM' } },
};

/** Parses like a request: the JSON text, so `__proto__` is an own key as it is for the server. */
const parseJson = (schema: z.ZodType, json: string) => schema.safeParse(JSON.parse(json));
const withKey = (body: Record<string, unknown>, key: string, value: unknown) =>
  `${JSON.stringify(body).slice(0, -1)}${Object.keys(body).length ? ',' : ''}${JSON.stringify(key)}:${JSON.stringify(value)}}`;

describe('request bodies', () => {
  it('the table lists every request body the contract exports', () => {
    const exported = Object.values(MODULES).flatMap((m) => Object.keys(m).filter((name) => /^Z\w+Body$/.test(name)));
    expect(exported.sort()).toEqual(Object.keys(VALID_BODIES).sort());
  });

  for (const [name, { schema, body }] of Object.entries(VALID_BODIES)) {
    describe(name, () => {
      it('accepts the minimal valid body', () => expect(parseJson(schema, JSON.stringify(body)).error?.issues).toBeUndefined());

      for (const key of ['__proto__', 'constructor', 'prototype', 'is_superuser_override']) {
        it(`refuses the unknown key ${key} and names it`, () => {
          const parsed = parseJson(schema, withKey(body, key, { polluted: true }));
          expect(parsed.success).toBe(false);
          expect(parsed.error?.issues.map((i) => i.message).join('; ')).toContain(`"${key}"`);
          expect(({} as Record<string, unknown>).polluted).toBeUndefined();
        });
      }
    });
  }

  it('refuses unknown keys in nested objects and records too', () => {
    const grant = auth.ZSetMembershipsBody.safeParse(
      JSON.parse('{"product_types":[{"id":1,"role":"Reader","__proto__":{"role":"Owner"}}],"products":[]}'),
    );
    expect(grant.error?.issues[0]).toMatchObject({ code: 'unrecognized_keys', keys: ['__proto__'], path: ['product_types', 0] });
    const matrix = notificationSettings.ZSaveSettingsBody.safeParse(
      JSON.parse('{"settings":{"__proto__":["alert"],"scan_added":["mail"]}}'),
    );
    expect(matrix.error?.issues[0]).toMatchObject({ code: 'unrecognized_keys', keys: ['__proto__'], path: ['settings'] });
  });
});

describe('name-like fields are one line of plain text', () => {
  const NAME_FIELDS: [string, z.ZodType, Record<string, unknown>, string][] = [
    ['product type name', products.ZCreateProductTypeBody, { name: 'Web' }, 'name'],
    ['product name', products.ZCreateProductBody, { name: 'Shop', product_type_id: 1 }, 'name'],
    ['engagement name', products.ZCreateEngagementBody, VALID_BODIES.ZCreateEngagementBody?.body ?? {}, 'name'],
    ['webhook name', webhooks.ZCreateWebhookBody, { name: 'SIEM', url: 'https://siem.example.com/hook' }, 'name'],
    ['webhook name (update)', webhooks.ZUpdateWebhookBody, {}, 'name'],
    ['token name', auth.ZCreateTokenBody, { name: 'CI' }, 'name'],
    ['integration token name', auth.ZCreateIntegrationTokenBody, { name: 'CI', owner_id: 1 }, 'name'],
    ['service user name', auth.ZCreateUserBody, { username: 'ci-bot', email: 'ci@example.com', is_service: true }, 'username'],
    ['username', auth.ZCreateUserBody, { username: 'bob', email: 'bob@example.com', password: 'a-new-password' }, 'username'],
    [
      'first name (new user)',
      auth.ZCreateUserBody,
      { username: 'bob', email: 'bob@example.com', password: 'a-new-password' },
      'first_name',
    ],
    ['last name (user)', auth.ZUpdateUserBody, {}, 'last_name'],
    ['first name (profile)', auth.ZUpdateProfileBody, {}, 'first_name'],
    ['last name (profile)', auth.ZUpdateProfileBody, {}, 'last_name'],
    ['team name', systemSettings.ZUpdateSystemSettingsBody, {}, 'team_name'],
    ['Slack channel', systemSettings.ZUpdateSystemSettingsBody, {}, 'slack_channel'],
    ['Slack username', systemSettings.ZUpdateSystemSettingsBody, {}, 'slack_username'],
    ['SMTP user', systemSettings.ZUpdateSystemSettingsBody, {}, 'smtp_user'],
  ];
  const BAD: [string, string][] = [
    ['a line break', 'Shop\n# Heading'],
    ['a right-to-left override', 'Shop\u202Egnp.exe'],
    ['an isolate', 'Shop\u2067x'],
    ['a control character', 'Shop\u0007'],
    ['a tab', 'Shop\tWeb'],
  ];
  for (const [label, schema, body, field] of NAME_FIELDS) {
    for (const [what, value] of BAD) {
      it(`${label} refuses ${what}`, () => {
        const parsed = schema.safeParse({ ...body, [field]: value });
        expect(parsed.success).toBe(false);
        expect(parsed.error?.issues.some((i) => i.path[0] === field)).toBe(true);
      });
    }
  }

  it('descriptions keep line breaks but refuse direction controls', () => {
    expect(products.ZCreateProductBody.safeParse({ name: 'Shop', product_type_id: 1, description: 'a\nb' }).success).toBe(true);
    expect(products.ZCreateProductBody.safeParse({ name: 'Shop', product_type_id: 1, description: 'a\u202Eb' }).success).toBe(false);
    expect(systemSettings.ZUpdateSystemSettingsBody.safeParse({ disclaimer: 'line 1\nline 2' }).success).toBe(true);
    expect(systemSettings.ZUpdateSystemSettingsBody.safeParse({ disclaimer: 'a\u0000' }).success).toBe(false);
  });
});

describe('secret and header fields hold no line break or control character', () => {
  const SECRET_FIELDS: [z.ZodType, Record<string, unknown>, string][] = [
    [webhooks.ZCreateWebhookBody, { name: 'SIEM', url: 'https://siem.example.com/hook', header_name: 'X-Api-Key' }, 'header_value'],
    [webhooks.ZCreateWebhookBody, { name: 'SIEM', url: 'https://siem.example.com/hook' }, 'signing_secret'],
    [webhooks.ZUpdateWebhookBody, {}, 'header_value'],
    [webhooks.ZUpdateWebhookBody, {}, 'signing_secret'],
    [systemSettings.ZUpdateSystemSettingsBody, {}, 'slack_token'],
    [systemSettings.ZUpdateSystemSettingsBody, {}, 'smtp_password'],
  ];
  for (const [schema, body, field] of SECRET_FIELDS) {
    for (const value of ['key\r\nX-Injected: 1', 'key\nmore', 'key\u0000', 'key\tx']) {
      it(`${field} refuses ${JSON.stringify(value)}`, () => expect(schema.safeParse({ ...body, [field]: value }).success).toBe(false));
    }
    it(`${field} accepts an ordinary value, null and ''`, () => {
      for (const value of ['s3cr3t-Value_1', null, '']) expect(schema.safeParse({ ...body, [field]: value }).success).toBe(true);
    });
  }

  it('a value sent as a header is printable ASCII; a signing secret or password may be any text', () => {
    const base = { name: 'SIEM', url: 'https://siem.example.com/hook' };
    expect(webhooks.ZCreateWebhookBody.safeParse({ ...base, header_value: 'clé' }).success).toBe(false);
    expect(webhooks.ZCreateWebhookBody.safeParse({ ...base, signing_secret: 'clé' }).success).toBe(true);
    expect(systemSettings.ZUpdateSystemSettingsBody.safeParse({ slack_token: 'xoxb-ü' }).success).toBe(false);
    expect(systemSettings.ZUpdateSystemSettingsBody.safeParse({ smtp_password: 'pässwörd' }).success).toBe(true);
  });

  it('a pasted token or password may end in a newline: it is trimmed', () => {
    expect(systemSettings.ZUpdateSystemSettingsBody.parse({ slack_token: 'xoxb-1-2\n', smtp_password: ' pw \n' })).toEqual({
      slack_token: 'xoxb-1-2',
      smtp_password: 'pw',
    });
  });
});

describe('URLs and dates', () => {
  it('refuses URLs with white space or control characters, which parsers drop silently', () => {
    const base = { name: 'SIEM' };
    for (const url of ['https://siem.example.com/\thook', 'https://siem.example.com/\nhook', 'https://siem.example.com/ hook']) {
      expect(webhooks.ZCreateWebhookBody.safeParse({ ...base, url }).success, url).toBe(false);
      expect(systemSettings.ZUpdateSystemSettingsBody.safeParse({ msteams_url: url }).success, url).toBe(false);
    }
  });

  it('refuses event links that a browser would turn into another site', () => {
    for (const url of ['/\t/evil.example', '/\\evil.example', '/ /x', '/\n/evil.example']) {
      expect(events.ZCreateEventBody.safeParse({ event: 'other', title: 'x', url }).success, JSON.stringify(url)).toBe(false);
    }
  });

  it('token expiry days must exist in the calendar', () => {
    for (const [schema, body] of [
      [auth.ZCreateTokenBody, { name: 'CI' }],
      [auth.ZCreateIntegrationTokenBody, { name: 'CI', owner_id: 1 }],
    ] as const) {
      expect(schema.safeParse({ ...body, expires_on: '2026-02-30' }).error?.issues.map((i) => [i.path.join('.'), i.message])).toEqual([
        ['expires_on', 'There is no such day in the calendar'],
      ]);
      expect(schema.safeParse({ ...body, expires_on: '2026-03-31T00:00' }).success).toBe(false);
      expect(schema.safeParse({ ...body, expires_on: '2028-02-29' }).success).toBe(true);
      expect(schema.safeParse({ ...body, expires_on: null }).success).toBe(true);
    }
  });

  it('a person needs a password; a service user has none', () => {
    const person = { username: 'bob', email: 'bob@example.com' };
    expect(auth.ZCreateUserBody.safeParse(person).error?.issues.map((i) => [i.path.join('.'), i.message])).toEqual([
      ['password', 'Enter a password'],
    ]);
    expect(auth.ZCreateUserBody.safeParse({ ...person, is_service: true }).success).toBe(true);
    expect(auth.ZCreateUserBody.safeParse({ ...person, is_service: true, password: 'a-new-password' }).success).toBe(false);
    expect(auth.ZCreateUserBody.safeParse({ ...person, is_service: true, is_superuser: true }).success).toBe(false);
  });

  it('engagement dates must exist in the calendar', () => {
    const body = { name: 'Q3', product_id: 1, target_start: '2026-02-28', target_end: '2026-02-31' };
    const parsed = products.ZCreateEngagementBody.safeParse(body);
    expect(parsed.error?.issues.map((i) => [i.path.join('.'), i.message])).toContainEqual([
      'target_end',
      'There is no such day in the calendar',
    ]);
    expect(products.ZCreateEngagementBody.safeParse({ ...body, target_start: '2028-02-29', target_end: '2028-03-01' }).success).toBe(true);
  });
});

describe('mail_from', () => {
  it('is stored in one canonical form, with the display name quoted when needed', () => {
    const parse = (mail_from: string) => systemSettings.ZUpdateSystemSettingsBody.parse({ mail_from }).mail_from;
    expect(parse('Tocsin <tocsin@example.com>')).toBe('Tocsin <tocsin@example.com>');
    expect(parse('"Security, Team" <sec@example.com>')).toBe('"Security, Team" <sec@example.com>');
    expect(parse(' tocsin@localhost ')).toBe('tocsin@localhost');
    expect(systemSettings.ZUpdateSystemSettingsBody.safeParse({ mail_from: 'Tocsin <t@example.com>\r\nBcc: x@example.com' }).success).toBe(
      false,
    );
  });
});

describe('POST /api/events cleans machine text instead of refusing it', () => {
  it('makes the title one line without controls, and strips direction controls from the description', () => {
    const parsed = events.ZCreateEventBody.parse({
      event: 'scan_added',
      title: ' Scan\r\n# injected \u202Eheading ',
      description: 'line 1\r\nline 2 \u202Ecba\u0007',
    });
    expect(parsed.title).toBe('Scan # injected heading');
    expect(parsed.description).toBe('line 1\nline 2 cba ');
  });

  it('truncates a title of emoji on a character boundary', () => {
    const parsed = events.ZCreateEventBody.parse({ event: 'scan_added', title: '🔥'.repeat(200) });
    expect(parsed.title).toBe('🔥'.repeat(125));
  });

  it('still refuses a title that is only white space or control characters', () => {
    expect(events.ZCreateEventBody.safeParse({ event: 'scan_added', title: ' \n\u0007 ' }).error?.issues[0]?.path).toEqual(['title']);
  });
});

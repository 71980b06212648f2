/** The channel registry: one adapter per channel of the contract, each naming its problems, destinations and lease. */
import { EXTERNAL_CHANNELS } from '@tocsin/contract/catalogue';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestDeps, createUser, type TTestDeps } from '../../test-utils';
import { getSystemSettings, type TSystemSettings } from '../settings';
import { insertWebhook, updateSystemSettings } from '../test-peers/fixtures';
import type { TDeliveryAddress } from './adapter';
import { CHANNEL_ADAPTERS, computeLeases, findChannelAdapter, getChannelAdapter, renderDeliveryContent } from './registry';

let deps: TTestDeps;
let settings: TSystemSettings;

beforeEach(async () => {
  deps = await createTestDeps();
  settings = await getSystemSettings(deps);
});
afterEach(() => deps.cleanup());

const system = (channel: string): TDeliveryAddress => ({ channel, targetKind: 'system', userId: null, webhookId: null });
const user = (channel: string, userId: number): TDeliveryAddress => ({ channel, targetKind: 'user', userId, webhookId: null });

describe('the registry', () => {
  it('has exactly one adapter per external channel of the contract, in its order', () => {
    expect(CHANNEL_ADAPTERS.map((a) => a.channel)).toEqual([...EXTERNAL_CHANNELS]);
    for (const channel of EXTERNAL_CHANNELS) {
      expect(getChannelAdapter(channel).channel).toBe(channel);
      expect(findChannelAdapter(channel)).toBe(getChannelAdapter(channel));
    }
    // Row values that are no channel: the in-app alert, unknown names, names inherited by every object.
    for (const name of ['alert', 'pager', 'toString', '__proto__']) expect(findChannelAdapter(name)).toBeUndefined();
  });

  it("renders each channel's own content, and nothing for an unknown channel", () => {
    const event = {
      id: 1,
      name: 'scan_added',
      title: 'Scan added',
      description: '',
      url: '/alerts',
      source: 'Scan Added',
      createdAt: 0,
      productTypeId: null,
      productId: null,
      engagementId: null,
    };
    const context = { productType: null, product: null, engagement: null };
    const render = { teamName: 'Acme', disclaimer: '', baseUrl: 'https://tocsin.test' };
    for (const channel of EXTERNAL_CHANNELS) {
      expect(renderDeliveryContent(channel, event, context, render, 'uuid-1')?.channel).toBe(channel);
    }
    expect(renderDeliveryContent('webhooks', event, context, render, 'uuid-1')).toMatchObject({ body: { delivery_id: 'uuid-1' } });
    expect(renderDeliveryContent('pager', event, context, render, 'uuid-1')).toBeNull();
  });

  it('leases each channel for its slowest send plus a margin; the configured minimum applies on top', () => {
    expect(computeLeases(1000, { ...settings, webhooksTimeoutSeconds: 5 })).toEqual({
      minMs: 1000,
      byChannel: { mail: 47_000, slack: 32_000, msteams: 17_000, webhooks: 7000 },
    });
    expect(getChannelAdapter('webhooks').leaseMs({ ...settings, webhooksTimeoutSeconds: 30 })).toBe(32_000);
  });
});

describe('configuration problems', () => {
  it('each adapter lists what keeps it from sending, in words', () => {
    const empty = { ...settings, smtpHost: '', mailFrom: '', mailTo: '', slackToken: '', slackChannel: '', msteamsUrl: '' };
    expect(getChannelAdapter('mail').findConfigProblems(empty)).toEqual([
      'No SMTP server is configured (System Settings → SMTP host, or SMTP_HOST on the server).',
      'No sender address is configured (System Settings → mail from).',
      'No system email address is set (System Settings → mail notifications to): system notifications by email cannot be sent.',
    ]);
    expect(getChannelAdapter('slack').findConfigProblems(empty)).toEqual([
      'No Slack token is configured (System Settings → Slack token).',
      'No Slack channel is configured for system notifications (System Settings → Slack channel).',
    ]);
    expect(getChannelAdapter('msteams').findConfigProblems(empty)).toEqual([
      'No Teams Workflows webhook URL is configured (System Settings → Teams Workflows webhook URL).',
    ]);
    // Each endpoint is pinged when it is saved: the channel needs no settings of its own.
    expect(getChannelAdapter('webhooks').findConfigProblems(empty)).toEqual([]);
  });

  it('lists nothing once a channel is configured', () => {
    const configured = {
      ...settings,
      smtpHost: 'smtp.example.test',
      mailFrom: 'tocsin@example.test',
      mailTo: 'sec@example.test',
      slackToken: 'xoxb-1',
      slackChannel: '#sec',
      msteamsUrl: 'https://teams.example.test/hook',
    };
    for (const adapter of CHANNEL_ADAPTERS) expect(adapter.findConfigProblems(configured)).toEqual([]);
  });
});

describe('destinations in words (for the failure alerts)', () => {
  it('names the system destinations, with the configured address when there is one', async () => {
    await updateSystemSettings(deps, { mailTo: 'sec@example.test', slackChannel: '#alerts' });
    const configured = await getSystemSettings(deps);
    const describe_ = (channel: string, s: TSystemSettings) => findChannelAdapter(channel)!.describeDestination(deps, system(channel), s);
    expect(await describe_('mail', configured)).toBe('the system email address (sec@example.test)');
    expect(await describe_('mail', settings)).toBe('the system email address');
    expect(await describe_('slack', configured)).toBe('the system Slack channel (#alerts)');
    expect(await describe_('msteams', configured)).toBe('the Microsoft Teams channel');
  });

  it("names a user's mailbox and Slack DM, and a user who is gone", async () => {
    const alice = await createUser(deps, { username: 'alice', email: 'alice@example.test', slackEmail: 'alice@slack.test' });
    expect(await getChannelAdapter('mail').describeDestination(deps, user('mail', alice.id), settings)).toBe(
      "alice's email (alice@example.test)",
    );
    expect(await getChannelAdapter('slack').describeDestination(deps, user('slack', alice.id), settings)).toBe(
      "alice's Slack DM (alice@slack.test)",
    );
    expect(await getChannelAdapter('mail').describeDestination(deps, user('mail', 999), settings)).toBe("user 999's email");
    // Teams has no personal destination: such a row is still named.
    expect(await getChannelAdapter('msteams').describeDestination(deps, user('msteams', alice.id), settings)).toBe('alice (msteams)');
  });

  it('names a webhook by its name and URL, or by its id once it is gone', async () => {
    const hook = await insertWebhook(deps, { name: 'SIEM', url: 'https://siem.example.test/in' });
    const row = (webhookId: number | null): TDeliveryAddress => ({ channel: 'webhooks', targetKind: 'webhook', userId: null, webhookId });
    const webhooks = getChannelAdapter('webhooks');
    expect(await webhooks.describeDestination(deps, row(hook.id), settings)).toBe('webhook "SIEM" (https://siem.example.test/in)');
    expect(await webhooks.describeDestination(deps, row(999), settings)).toBe('webhook 999');
    expect(await webhooks.describeDestination(deps, row(null), settings)).toBe('webhook (none)');
  });
});

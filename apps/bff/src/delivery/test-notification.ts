/**
 * "Send a test" from System Settings and the Webhooks page: a real message now, through the same
 * adapters and rendering as the worker, with the provider's own error text on failure.
 */
import type { TExternalChannel } from '@tocsin/contract/catalogue';
import { eq, isNull } from 'drizzle-orm';
import type { Deps } from '../app-context';
import { webhooks } from '../db/schema';
import { sendMail } from './channels/mail';
import { postTeamsMessage } from './channels/msteams';
import { postSlackMessage } from './channels/slack';
import { pingWebhook } from './channels/webhook';
import type { TSendOutcome } from './outcome';
import { renderMail, renderSlack, renderTeams, type TEventContext, type TRenderEvent } from './render';
import { getPublicBaseUrl, getSystemSettings } from './settings';

export type TTestNotificationResult = { ok: boolean; message: string; responseCode?: number };

const NO_CONTEXT: TEventContext = { productType: null, product: null, engagement: null };

function testEvent(deps: Deps, teamName: string): TRenderEvent {
  return {
    id: 0,
    name: 'test',
    title: `Test notification from ${teamName}`,
    description: `This is a test message sent from System Settings. If you can read it, ${teamName} can reach this destination.`,
    url: '/system-settings',
    source: 'Test Notification',
    createdAt: deps.now(),
    productTypeId: null,
    productId: null,
    engagementId: null,
  };
}

function toResult(outcome: TSendOutcome, success: string): TTestNotificationResult {
  if (outcome.ok) return { ok: true, message: success, responseCode: outcome.responseCode };
  return { ok: false, message: outcome.error, responseCode: outcome.responseCode };
}

export async function sendTestNotification(
  deps: Deps,
  channel: TExternalChannel,
  opts: { to?: string; webhookId?: number } = {},
): Promise<TTestNotificationResult> {
  const settings = getSystemSettings(deps);
  const render = { teamName: settings.teamName, disclaimer: settings.disclaimer, baseUrl: getPublicBaseUrl(deps.env) };
  const event = testEvent(deps, settings.teamName);
  switch (channel) {
    case 'mail': {
      const to = (opts.to ?? settings.mailTo).trim();
      if (!to) return { ok: false, message: 'No address to send to: set "mail notifications to" or give an address.' };
      const outcome = await sendMail(settings, to, renderMail(event, NO_CONTEXT, render));
      return toResult(outcome, `A test email was sent to ${to}${outcome.ok && outcome.detail ? ` (server said: ${outcome.detail})` : ''}.`);
    }
    case 'slack': {
      const target = (opts.to ?? settings.slackChannel).trim();
      if (!target) return { ok: false, message: 'No Slack channel is configured (System Settings → Slack channel).' };
      const outcome = await postSlackMessage(deps, settings, target, renderSlack(event, NO_CONTEXT, render), {
        username: settings.slackUsername.trim() || undefined,
      });
      return toResult(outcome, `A test message was posted to ${target} in Slack.`);
    }
    case 'msteams': {
      const outcome = await postTeamsMessage(settings, renderTeams(event, NO_CONTEXT, render).message, { now: deps.now() });
      return toResult(outcome, 'A test card was posted to the Microsoft Teams channel.');
    }
    case 'webhooks': {
      const hooks =
        opts.webhookId !== undefined
          ? deps.db.select().from(webhooks).where(eq(webhooks.id, opts.webhookId)).all()
          : deps.db.select().from(webhooks).where(isNull(webhooks.ownerId)).all();
      if (hooks.length === 0) {
        return {
          ok: false,
          message: opts.webhookId !== undefined ? `Webhook ${opts.webhookId} was not found.` : 'There are no system webhooks to test.',
        };
      }
      const results = await Promise.all(hooks.map(async (h) => ({ hook: h, result: await pingWebhook(deps, h) })));
      if (results.length === 1 && results[0]) return results[0].result;
      const failed = results.filter((r) => !r.result.ok);
      const message = results.map((r) => `${r.hook.name}: ${r.result.message}`).join(' ');
      return { ok: failed.length === 0, message, responseCode: failed[0]?.result.responseCode };
    }
  }
}

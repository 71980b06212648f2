/**
 * "Send a test" from System Settings and the Webhooks page: a real message now, through the same
 * adapters and rendering as the worker, with the provider's own error text on failure.
 */
import type { TExternalChannel } from '@tocsin/contract/catalogue';
import type { Deps } from '../app-context';
import type { TTestNotificationResult, TTestTarget } from './channels/adapter';
import { getChannelAdapter } from './channels/registry';
import type { TEventContext, TRenderEvent } from './render';
import { getPublicBaseUrl, getSystemSettings } from './settings';

export type { TTestNotificationResult } from './channels/adapter';

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

export async function sendTestNotification(
  deps: Deps,
  channel: TExternalChannel,
  opts: TTestTarget = {},
): Promise<TTestNotificationResult> {
  const settings = await getSystemSettings(deps);
  const render = { teamName: settings.teamName, disclaimer: settings.disclaimer, baseUrl: getPublicBaseUrl(deps.env) };
  const message = { settings, event: testEvent(deps, settings.teamName), context: NO_CONTEXT, render };
  return getChannelAdapter(channel).sendTest(deps, message, opts);
}

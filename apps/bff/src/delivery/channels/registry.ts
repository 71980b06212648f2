/**
 * Every channel adapter, by channel. A channel of the contract (EXTERNAL_CHANNELS) without an adapter here
 * does not compile; everything that works per channel goes through this registry.
 */
import { EXTERNAL_CHANNELS, type TExternalChannel } from '@tocsin/contract/catalogue';
import type { TLeases } from '../queue';
import type { TDeliveryContent, TEventContext, TMergedItem, TRenderEvent, TRenderSettings } from '../render';
import type { TSystemSettings } from '../settings';
import type { TChannelAdapter } from './adapter';
import { mailChannel } from './mail';
import { msteamsChannel } from './msteams';
import { slackChannel } from './slack';
import { webhookChannel } from './webhook';

const ADAPTERS: Record<TExternalChannel, TChannelAdapter> = {
  mail: mailChannel,
  slack: slackChannel,
  msteams: msteamsChannel,
  webhooks: webhookChannel,
};

/** The adapters in the contract's channel order. */
export const CHANNEL_ADAPTERS: readonly TChannelAdapter[] = EXTERNAL_CHANNELS.map((channel) => ADAPTERS[channel]);

/** The adapter of a channel name read from a row, or undefined for a name no adapter serves. */
export function findChannelAdapter(channel: string): TChannelAdapter | undefined {
  return Object.hasOwn(ADAPTERS, channel) ? ADAPTERS[channel as TExternalChannel] : undefined;
}

export function getChannelAdapter(channel: TExternalChannel): TChannelAdapter {
  return ADAPTERS[channel];
}

/** A delivery's message, or null when no adapter serves its channel. */
export function renderDeliveryContent(
  channel: string,
  event: TRenderEvent,
  context: TEventContext,
  settings: TRenderSettings,
  deliveryUuid: string,
): TDeliveryContent | null {
  return findChannelAdapter(channel)?.render(event, context, settings, deliveryUuid) ?? null;
}

/** The channels whose pending messages to one destination may go out as one (their adapter can merge). */
export const MERGEABLE_CHANNELS: ReadonlySet<string> = new Set(CHANNEL_ADAPTERS.filter((a) => a.renderMerged).map((a) => a.channel));

/** Several deliveries' events as one message, or null when the channel does not merge. */
export function renderMergedDeliveryContent(
  channel: string,
  items: readonly TMergedItem[],
  settings: TRenderSettings,
): TDeliveryContent | null {
  return findChannelAdapter(channel)?.renderMerged?.(items, settings) ?? null;
}

/** Each channel's own need (its adapter's slowest send); the claim leases for the larger of that and `minMs`. */
export function computeLeases(minMs: number, settings: TSystemSettings): TLeases {
  const byChannel = Object.fromEntries(CHANNEL_ADAPTERS.map((a) => [a.channel, a.leaseMs(settings)])) as Record<TExternalChannel, number>;
  return { minMs, byChannel };
}

/**
 * Per-channel rendering of an event, the templates the channel adapters (channels/*.ts) render with: mail
 * (subject, text, html), Slack Block Kit, a Teams Adaptive Card message and the webhook JSON payload.
 * Pure functions of the event, its context names and the system settings; the claim stores the result in
 * deliveries.content before the first send, so a retry sends exactly what the first attempt sent.
 * Every user-provided string is escaped for its medium. Descriptions are CommonMark: they are written out per
 * medium by markdown-medium.ts (the webhook payload carries them as they are, and as plain text).
 */
import { findEventInfo } from '@tocsin/contract/catalogue';
import { sql } from 'drizzle-orm';
import type { Deps } from '../app-context';
import type { events } from '../db/schema';
import { engagementPath } from '../engagements/links';
import { escapeSlackMrkdwn, escapeTeamsText, toInlineText, truncateText } from '../lib/text';
import { EVENT_PAYLOAD_BLOCKS, type TEventPayload } from '../notifications/event-payload';
import {
  escapeHtml,
  renderMarkdownAsHtml,
  renderMarkdownAsSlack,
  renderMarkdownAsTeams,
  renderMarkdownAsText,
  toAbsoluteUrl,
} from './markdown-medium';

export { escapeHtml, toAbsoluteUrl };

export type TRenderEvent = Pick<
  typeof events.$inferSelect,
  'id' | 'name' | 'title' | 'description' | 'url' | 'source' | 'createdAt' | 'productTypeId' | 'productId' | 'engagementId'
> &
  /** The domain blocks for webhooks (JSON, see notifications/event-payload.ts); absent or null for events without any. */
  Partial<Pick<typeof events.$inferSelect, 'payload'>> & {
    /** Later events folded into this delivery (coalescing/): the message adds "and N more like this". */
    coalescedCount?: number;
  };

export type TContextItem = { id: number; name: string };
/** The product type, product and engagement an event concerns (engagement implies product implies product type). */
export type TEventContext = { productType: TContextItem | null; product: TContextItem | null; engagement: TContextItem | null };

export type TRenderSettings = {
  teamName: string;
  disclaimer: string;
  baseUrl: string;
  /** System Settings' confidential mode: mail, Slack and Teams carry only the title and a link, no details. */
  confidential?: boolean;
};

/** "and 14 more like this", or null when nothing was folded in. */
export function describeCoalesced(count: number | undefined): string | null {
  if (!count || count <= 0) return null;
  return `and ${count} more like this`;
}

const NO_CONTEXT: TEventContext = { productType: null, product: null, engagement: null };

/** What a chat or mail message may show: everything, or in confidential mode the title and link alone. */
function toShown(event: TRenderEvent, ctx: TEventContext, s: TRenderSettings): { event: TRenderEvent; ctx: TEventContext } {
  if (!s.confidential) return { event, ctx };
  return { event: { ...event, description: '', payload: null }, ctx: NO_CONTEXT };
}

export type TMailContent = { channel: 'mail'; subject: string; text: string; html: string };
export type TSlackContent = { channel: 'slack'; text: string; blocks: unknown[] };
export type TTeamsMessage = {
  type: 'message';
  attachments: { contentType: 'application/vnd.microsoft.card.adaptive'; contentUrl: null; content: Record<string, unknown> }[];
};
export type TTeamsContent = { channel: 'msteams'; message: TTeamsMessage };
export type TWebhookContent = { channel: 'webhooks'; event: string; body: TWebhookPayload };
export type TDeliveryContent = TMailContent | TSlackContent | TTeamsContent | TWebhookContent;

export type TWebhookObject = { id: number; name: string; url: string; url_ui: string; url_api: string };
export type TWebhookPayload = {
  event: string;
  delivery_id: string;
  created: string;
  title: string;
  /** CommonMark, as the SPA renders it (links may be paths on this site). */
  description: string;
  /** The description as plain text: no markdown syntax, links as "text (absolute URL)". */
  description_text: string;
  source: string;
  url: string;
  url_ui: string;
  /** The API URL of the most specific object the event concerns (engagement, product, product type), or null. */
  url_api: string | null;
  product_type?: TWebhookObject;
  product?: TWebhookObject;
  engagement?: TWebhookObject;
  disclaimer?: string;
} & TWebhookPayloadBlocks;

// ---------------------------------------------------------------------------
// Links

const UI_PATHS = {
  productType: (id: number) => `/product-types/${id}`,
  product: (id: number) => `/products/${id}`,
  engagement: (id: number) => engagementPath(id),
};
const API_PATHS = {
  productType: (id: number) => `/api/product-types/${id}`,
  product: (id: number) => `/api/products/${id}`,
  engagement: (id: number) => `/api/engagements/${id}`,
};
export const NOTIFICATION_SETTINGS_PATH = '/notifications';

type TLinks = {
  event: string;
  eventApi: string | null;
  settings: string;
  productType: string | null;
  product: string | null;
  engagement: string | null;
};

function buildLinks(event: TRenderEvent, ctx: TEventContext, s: TRenderSettings): TLinks {
  const abs = (path: string) => toAbsoluteUrl(s.baseUrl, path);
  return {
    event: abs(event.url || '/alerts'),
    eventApi: ctx.engagement
      ? abs(API_PATHS.engagement(ctx.engagement.id))
      : ctx.product
        ? abs(API_PATHS.product(ctx.product.id))
        : ctx.productType
          ? abs(API_PATHS.productType(ctx.productType.id))
          : null,
    settings: abs(NOTIFICATION_SETTINGS_PATH),
    productType: ctx.productType ? abs(UI_PATHS.productType(ctx.productType.id)) : null,
    product: ctx.product ? abs(UI_PATHS.product(ctx.product.id)) : null,
    engagement: ctx.engagement ? abs(UI_PATHS.engagement(ctx.engagement.id)) : null,
  };
}

/** "Product Type: Web · Product: Shop · Engagement: Q3 pentest" items, outermost first. */
function contextFacts(ctx: TEventContext): { label: string; value: string; key: 'productType' | 'product' | 'engagement' }[] {
  const facts: { label: string; value: string; key: 'productType' | 'product' | 'engagement' }[] = [];
  if (ctx.productType) facts.push({ label: 'Product Type', value: ctx.productType.name, key: 'productType' });
  if (ctx.product) facts.push({ label: 'Product', value: ctx.product.name, key: 'product' });
  if (ctx.engagement) facts.push({ label: 'Engagement', value: ctx.engagement.name, key: 'engagement' });
  return facts;
}

const eventLabel = (event: TRenderEvent) => event.source || findEventInfo(event.name).label;

// ---------------------------------------------------------------------------
// Mail

/** Header values (and names placed inline) stay on one line whatever they contain. */
const oneLine = toInlineText;

export function renderMail(rawEvent: TRenderEvent, rawCtx: TEventContext, s: TRenderSettings): TMailContent {
  const { event, ctx } = toShown(rawEvent, rawCtx, s);
  const links = buildLinks(event, ctx, s);
  const more = describeCoalesced(event.coalescedCount);
  const subject = oneLine(`${s.teamName} notification: ${event.title}`);
  const facts = contextFacts(ctx);

  const textLines = [oneLine(event.title), ''];
  if (more) textLines.push(`(${more})`, '');
  const descriptionText = event.description ? renderMarkdownAsText(event.description, s) : '';
  if (descriptionText) textLines.push(descriptionText, '');
  for (const f of facts) textLines.push(`${f.label}: ${oneLine(f.value)}`);
  if (facts.length > 0) textLines.push('');
  textLines.push(`Event: ${eventLabel(event)}`, `Open it in ${s.teamName}: ${links.event}`, '');
  textLines.push(`You receive this because of the notification settings of ${s.teamName}.`);
  textLines.push(`Change your notification settings: ${links.settings}`);
  if (s.disclaimer) textLines.push('', '--', s.disclaimer);
  const text = `${textLines.join('\n')}\n`;

  const factRows = facts
    .map((f) => {
      const link = links[f.key];
      const value = link ? `<a href="${escapeHtml(link)}">${escapeHtml(f.value)}</a>` : escapeHtml(f.value);
      return `<tr><td style="padding:2px 12px 2px 0;color:#555">${escapeHtml(f.label)}</td><td style="padding:2px 0">${value}</td></tr>`;
    })
    .join('\n');
  const html = `<!doctype html>
<html><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head>
<body style="font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;color:#1a1a1a;line-height:1.45">
<h2 style="margin:0 0 12px;font-size:18px">${escapeHtml(event.title)}</h2>
${more ? `<p style="margin:0 0 12px;color:#555">(${escapeHtml(more)})</p>` : ''}
${event.description ? renderMarkdownAsHtml(event.description, s) : ''}
${factRows ? `<table style="border-collapse:collapse;margin:0 0 12px">\n${factRows}\n</table>` : ''}
<p style="margin:0 0 12px;color:#555">Event: ${escapeHtml(eventLabel(event))}</p>
<p style="margin:0 0 16px"><a href="${escapeHtml(links.event)}" style="display:inline-block;padding:8px 14px;background:#1f4fd1;color:#fff;border-radius:4px;text-decoration:none">Open in ${escapeHtml(s.teamName)}</a></p>
<p style="margin:0 0 12px;font-size:12px;color:#666">You receive this because of the notification settings of ${escapeHtml(s.teamName)}. <a href="${escapeHtml(links.settings)}">Change your notification settings</a>.</p>
${s.disclaimer ? `<hr style="border:none;border-top:1px solid #ddd"><p style="font-size:12px;color:#666">${escapeHtml(s.disclaimer).replace(/\n/g, '<br>')}</p>` : ''}
</body></html>
`;
  return { channel: 'mail', subject, text, html };
}

// ---------------------------------------------------------------------------
// Slack (Block Kit)

const cut = (value: string, max: number) => truncateText(value, max);

/** A mrkdwn text object Slack shows as written: no automatic links or mentions from the text. */
const mrkdwn = (text: string) => ({ type: 'mrkdwn', text, verbatim: true });

export function renderSlack(rawEvent: TRenderEvent, rawCtx: TEventContext, s: TRenderSettings): TSlackContent {
  const { event, ctx } = toShown(rawEvent, rawCtx, s);
  const links = buildLinks(event, ctx, s);
  const more = describeCoalesced(event.coalescedCount);
  const team = oneLine(s.teamName);
  // plain_text objects are never formatted: the title only needs to be one line.
  const blocks: unknown[] = [{ type: 'header', text: { type: 'plain_text', text: cut(oneLine(event.title), 150), emoji: false } }];
  if (more) blocks.push({ type: 'context', elements: [mrkdwn(`_${more}_`)] });
  const description = event.description ? renderMarkdownAsSlack(event.description, { baseUrl: s.baseUrl, max: 3000 }) : '';
  if (description) blocks.push({ type: 'section', text: mrkdwn(description) });
  const facts = contextFacts(ctx);
  const contextElements = facts.map((f) => {
    const link = links[f.key];
    const name = escapeSlackMrkdwn(oneLine(f.value));
    const value = link ? `<${link}|${name}>` : name;
    return mrkdwn(`*${f.label}:* ${value}`);
  });
  contextElements.push(mrkdwn(`*Event:* ${escapeSlackMrkdwn(oneLine(eventLabel(event)))}`));
  blocks.push({ type: 'context', elements: contextElements.slice(0, 10) });
  blocks.push({
    type: 'actions',
    elements: [
      { type: 'button', text: { type: 'plain_text', text: cut(`Open in ${team}`, 75) }, url: links.event, action_id: 'open' },
      { type: 'button', text: { type: 'plain_text', text: 'Notification settings' }, url: links.settings, action_id: 'settings' },
    ],
  });
  if (s.disclaimer) blocks.push({ type: 'context', elements: [mrkdwn(cut(escapeSlackMrkdwn(s.disclaimer), 3000))] });
  // The fallback text shows in notifications and for clients without Block Kit.
  const text = cut(
    `${escapeSlackMrkdwn(team)} notification: ${escapeSlackMrkdwn(oneLine(event.title))}${more ? ` (${more})` : ''} ${links.event}`,
    3000,
  );
  return { channel: 'slack', text, blocks };
}

// ---------------------------------------------------------------------------
// Microsoft Teams (an Adaptive Card in a message: what a Teams Workflows webhook takes)

export function renderTeams(rawEvent: TRenderEvent, rawCtx: TEventContext, s: TRenderSettings): TTeamsContent {
  const { event, ctx } = toShown(rawEvent, rawCtx, s);
  const links = buildLinks(event, ctx, s);
  const more = describeCoalesced(event.coalescedCount);
  const team = oneLine(s.teamName);
  const body: Record<string, unknown>[] = [
    { type: 'TextBlock', text: escapeTeamsText(`${team} notification`), size: 'Small', isSubtle: true, wrap: true },
    { type: 'TextBlock', text: escapeTeamsText(oneLine(event.title)), size: 'Large', weight: 'Bolder', wrap: true },
  ];
  if (more) body.push({ type: 'TextBlock', text: more, isSubtle: true, wrap: true });
  const description = event.description ? renderMarkdownAsTeams(event.description, s) : '';
  if (description) body.push({ type: 'TextBlock', text: description, wrap: true });
  // Fact titles are ours; fact values are names people wrote.
  const facts = contextFacts(ctx).map((f) => ({ title: f.label, value: escapeTeamsText(oneLine(f.value)) }));
  facts.push({ title: 'Event', value: escapeTeamsText(oneLine(eventLabel(event))) });
  body.push({ type: 'FactSet', facts });
  if (s.disclaimer)
    body.push({ type: 'TextBlock', text: escapeTeamsText(s.disclaimer), size: 'Small', isSubtle: true, wrap: true, separator: true });
  const message: TTeamsMessage = {
    type: 'message',
    attachments: [
      {
        contentType: 'application/vnd.microsoft.card.adaptive',
        contentUrl: null,
        content: {
          $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
          type: 'AdaptiveCard',
          version: '1.4',
          body,
          // Action titles are plain text, never formatted.
          actions: [{ type: 'Action.OpenUrl', title: `Open in ${team}`, url: links.event }],
        },
      },
    ],
  };
  return { channel: 'msteams', message };
}

// ---------------------------------------------------------------------------
// Merged chat posts (pacing, queue.ts): several pending messages to one Slack channel or Teams flow, sent as one

/** One event of a merged post, with its context names. */
export type TMergedItem = { event: TRenderEvent; context: TEventContext };

/** Events shown as sections of a merged post; the rest are one "+N more" line pointing to Tocsin. */
export const MERGED_SECTIONS = 10;
/** A merged event's summary: the start of its description. */
const MERGED_SUMMARY_MAX = 300;

function describeMergedTitle(team: string, count: number): string {
  return `${team}: ${count} notification${count === 1 ? '' : 's'}`;
}

/**
 * Up to MERGED_SECTIONS events, each its title (a link), "and N more like this", the start of its description and
 * its product and event; then "+N more" with a link to the alerts page. At most 4 + 2 × MERGED_SECTIONS blocks,
 * well within Slack's 50.
 */
export function renderSlackMerged(items: readonly TMergedItem[], s: TRenderSettings): TSlackContent {
  const team = oneLine(s.teamName);
  const title = describeMergedTitle(team, items.length);
  const shown = items.slice(0, MERGED_SECTIONS);
  const rest = items.length - shown.length;
  const alertsUrl = toAbsoluteUrl(s.baseUrl, '/alerts');
  const blocks: unknown[] = [{ type: 'header', text: { type: 'plain_text', text: cut(title, 150), emoji: false } }];
  for (const item of shown) {
    const { event, ctx } = toShown(item.event, item.context, s);
    const links = buildLinks(event, ctx, s);
    const more = describeCoalesced(event.coalescedCount);
    const lines = [`*<${links.event}|${escapeSlackMrkdwn(cut(oneLine(event.title), 250))}>*${more ? ` _(${more})_` : ''}`];
    const summary = event.description ? renderMarkdownAsSlack(event.description, { baseUrl: s.baseUrl, max: MERGED_SUMMARY_MAX }) : '';
    if (summary) lines.push(summary);
    blocks.push({ type: 'section', text: mrkdwn(cut(lines.join('\n'), 3000)) });
    const facts = contextFacts(ctx).map((f) => `*${f.label}:* ${escapeSlackMrkdwn(oneLine(f.value))}`);
    facts.push(`*Event:* ${escapeSlackMrkdwn(oneLine(eventLabel(event)))}`);
    blocks.push({ type: 'context', elements: [mrkdwn(cut(facts.join(' · '), 3000))] });
  }
  if (rest > 0) {
    blocks.push({ type: 'section', text: mrkdwn(`+${rest} more: <${alertsUrl}|see them all in ${escapeSlackMrkdwn(team)}>`) });
  }
  blocks.push({
    type: 'actions',
    elements: [
      { type: 'button', text: { type: 'plain_text', text: cut(`Open in ${team}`, 75) }, url: alertsUrl, action_id: 'open' },
      {
        type: 'button',
        text: { type: 'plain_text', text: 'Notification settings' },
        url: toAbsoluteUrl(s.baseUrl, NOTIFICATION_SETTINGS_PATH),
        action_id: 'settings',
      },
    ],
  });
  if (s.disclaimer) blocks.push({ type: 'context', elements: [mrkdwn(cut(escapeSlackMrkdwn(s.disclaimer), 3000))] });
  const titles = shown.map((i) => escapeSlackMrkdwn(oneLine(toShown(i.event, i.context, s).event.title)));
  const text = cut(`${escapeSlackMrkdwn(title)}: ${titles.join('; ')}${rest > 0 ? `; +${rest} more` : ''} ${alertsUrl}`, 3000);
  return { channel: 'slack', text, blocks };
}

/** The Teams form of renderSlackMerged: one Adaptive Card with a container per event and the "+N more" line. */
export function renderTeamsMerged(items: readonly TMergedItem[], s: TRenderSettings): TTeamsContent {
  const team = oneLine(s.teamName);
  const shown = items.slice(0, MERGED_SECTIONS);
  const rest = items.length - shown.length;
  const alertsUrl = toAbsoluteUrl(s.baseUrl, '/alerts');
  const body: Record<string, unknown>[] = [
    { type: 'TextBlock', text: escapeTeamsText(describeMergedTitle(team, items.length)), size: 'Large', weight: 'Bolder', wrap: true },
  ];
  for (const item of shown) {
    const { event, ctx } = toShown(item.event, item.context, s);
    const links = buildLinks(event, ctx, s);
    const more = describeCoalesced(event.coalescedCount);
    const parts: Record<string, unknown>[] = [
      { type: 'TextBlock', text: `[${escapeTeamsText(oneLine(event.title))}](${links.event})`, weight: 'Bolder', wrap: true },
    ];
    if (more) parts.push({ type: 'TextBlock', text: more, isSubtle: true, wrap: true, spacing: 'None' });
    const summary = event.description ? truncateText(renderMarkdownAsText(event.description, s), MERGED_SUMMARY_MAX) : '';
    if (summary) parts.push({ type: 'TextBlock', text: escapeTeamsText(summary), wrap: true, spacing: 'Small' });
    const facts = contextFacts(ctx).map((f) => `${f.label}: ${oneLine(f.value)}`);
    facts.push(`Event: ${oneLine(eventLabel(event))}`);
    parts.push({ type: 'TextBlock', text: escapeTeamsText(facts.join(' · ')), size: 'Small', isSubtle: true, wrap: true, spacing: 'None' });
    body.push({ type: 'Container', separator: true, items: parts });
  }
  if (rest > 0)
    body.push({ type: 'TextBlock', text: `+${rest} more: [see them all in ${escapeTeamsText(team)}](${alertsUrl})`, wrap: true });
  if (s.disclaimer)
    body.push({ type: 'TextBlock', text: escapeTeamsText(s.disclaimer), size: 'Small', isSubtle: true, wrap: true, separator: true });
  const message: TTeamsMessage = {
    type: 'message',
    attachments: [
      {
        contentType: 'application/vnd.microsoft.card.adaptive',
        contentUrl: null,
        content: {
          $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
          type: 'AdaptiveCard',
          version: '1.4',
          body,
          actions: [{ type: 'Action.OpenUrl', title: `Open in ${team}`, url: alertsUrl }],
        },
      },
    ],
  };
  return { channel: 'msteams', message };
}

// ---------------------------------------------------------------------------
// Webhooks

export function renderWebhookPayload(event: TRenderEvent, ctx: TEventContext, s: TRenderSettings, deliveryUuid: string): TWebhookPayload {
  const links = buildLinks(event, ctx, s);
  const abs = (path: string) => toAbsoluteUrl(s.baseUrl, path);
  const payload: TWebhookPayload = {
    event: event.name,
    delivery_id: deliveryUuid,
    created: new Date(event.createdAt).toISOString(),
    title: event.title,
    description: event.description,
    description_text: renderMarkdownAsText(event.description, { baseUrl: s.baseUrl, forData: true }),
    source: eventLabel(event),
    url: links.event,
    url_ui: links.event,
    url_api: links.eventApi,
  };
  if (ctx.productType && links.productType) {
    const { id, name } = ctx.productType;
    payload.product_type = { id, name, url: links.productType, url_ui: links.productType, url_api: abs(API_PATHS.productType(id)) };
  }
  if (ctx.product && links.product) {
    const { id, name } = ctx.product;
    payload.product = { id, name, url: links.product, url_ui: links.product, url_api: abs(API_PATHS.product(id)) };
  }
  if (ctx.engagement && links.engagement) {
    const { id, name } = ctx.engagement;
    payload.engagement = { id, name, url: links.engagement, url_ui: links.engagement, url_api: abs(API_PATHS.engagement(id)) };
  }
  addEventPayloadBlocks(payload, event.payload ?? null, s.baseUrl);
  if (s.disclaimer) payload.disclaimer = s.disclaimer;
  return payload;
}

// ---------------------------------------------------------------------------
// Webhook payload blocks of the domain events (test, findings, finding, note, review, sla, risk_acceptance)

export type TWebhookPayloadBlocks = Partial<TEventPayload>;

const LINK_KEYS = new Set(['url', 'url_ui', 'url_api']);

/** A stored block with every link (`url`, `url_ui`, `url_api` holding a path) made absolute. */
function absolutizeLinks(value: unknown, baseUrl: string): unknown {
  if (Array.isArray(value)) return value.map((v) => absolutizeLinks(v, baseUrl));
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    out[key] = LINK_KEYS.has(key) && typeof v === 'string' && v.startsWith('/') ? toAbsoluteUrl(baseUrl, v) : absolutizeLinks(v, baseUrl);
  }
  return out;
}

/**
 * Adds the blocks an event stored in events.payload (notifications/event-payload.ts) to its webhook body, links
 * made absolute. Only the known block names are taken, so a block can never replace a field of the envelope.
 * A payload that cannot be read adds nothing: the envelope still goes out.
 */
export function addEventPayloadBlocks(payload: TWebhookPayload, stored: string | null, baseUrl: string): void {
  if (!stored) return;
  let blocks: unknown;
  try {
    blocks = JSON.parse(stored);
  } catch {
    return;
  }
  if (blocks === null || typeof blocks !== 'object') return;
  const target = payload as Record<string, unknown>;
  for (const name of EVENT_PAYLOAD_BLOCKS) {
    const block = (blocks as Record<string, unknown>)[name];
    if (block !== undefined) target[name] = absolutizeLinks(block, baseUrl);
  }
}

// ---------------------------------------------------------------------------
// Context lookup

/** Names of what the event concerns; missing rows (deleted since) are simply left out. */
export async function loadEventContext(
  deps: Deps,
  event: Pick<TRenderEvent, 'productTypeId' | 'productId' | 'engagementId'>,
): Promise<TEventContext> {
  let engagement: TContextItem | null = null;
  let productId = event.productId;
  if (event.engagementId !== null) {
    const row = await deps.db.get<{ id: number; name: string; productId: number }>(
      sql`select id, name, product_id as "productId" from engagements where id = ${event.engagementId}`,
    );
    if (row) {
      engagement = { id: row.id, name: row.name };
      productId ??= row.productId;
    }
  }
  let product: TContextItem | null = null;
  let productTypeId = event.productTypeId;
  if (productId !== null) {
    const row = await deps.db.get<{ id: number; name: string; productTypeId: number }>(
      sql`select id, name, product_type_id as "productTypeId" from products where id = ${productId}`,
    );
    if (row) {
      product = { id: row.id, name: row.name };
      productTypeId ??= row.productTypeId;
    }
  }
  let productType: TContextItem | null = null;
  if (productTypeId !== null) {
    const row = await deps.db.get<TContextItem>(sql`select id, name from product_types where id = ${productTypeId}`);
    if (row) productType = { id: row.id, name: row.name };
  }
  return { productType, product, engagement };
}

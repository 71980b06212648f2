/**
 * A digest's message per channel: the period's events grouped by product and event, with counts and links (the
 * newest few titles of each group). Names and titles are escaped for their medium as in delivery/render.ts; in
 * confidential mode product names are left out too.
 */
import { findEventInfo } from '@tocsin/contract/catalogue';
import type { TDeliveryContent, TRenderSettings } from '../delivery/render';
import { escapeHtml, toAbsoluteUrl } from '../delivery/render';
import { escapeSlackMrkdwn, escapeTeamsText, toInlineText, truncateText } from '../lib/text';

export type TDigestEntry = { title: string; url: string; createdAt: number };
export type TDigestGroup = { productId: number | null; productName: string | null; event: string; count: number; latest: TDigestEntry[] };
export type TDigest = { period: 'hourly' | 'daily'; total: number; groups: TDigestGroup[]; from: number; to: number };

/** Titles shown per group; the count always covers them all. */
export const DIGEST_TITLES_PER_GROUP = 5;

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

function groupHeading(g: TDigestGroup, s: TRenderSettings): string {
  const label = findEventInfo(g.event).label;
  const product = s.confidential || g.productName === null ? '' : `${toInlineText(g.productName)} · `;
  return `${product}${label}: ${g.count}`;
}

export function renderDigest(channel: string, digest: TDigest, s: TRenderSettings, uuid: string): TDeliveryContent | null {
  const team = toInlineText(s.teamName);
  const title = `${team} ${digest.period} digest: ${plural(digest.total, 'notification')}`;
  const abs = (url: string) => toAbsoluteUrl(s.baseUrl, url);
  const settingsUrl = abs('/notifications');
  if (channel === 'mail') {
    const text: string[] = [title, ''];
    const html: string[] = [`<h2 style="margin:0 0 12px;font-size:18px">${escapeHtml(title)}</h2>`];
    for (const g of digest.groups) {
      text.push(groupHeading(g, s));
      html.push(`<h3 style="margin:12px 0 4px;font-size:15px">${escapeHtml(groupHeading(g, s))}</h3><ul>`);
      for (const e of g.latest) {
        text.push(`  - ${toInlineText(e.title)}: ${abs(e.url)}`);
        html.push(`<li><a href="${escapeHtml(abs(e.url))}">${escapeHtml(toInlineText(e.title))}</a></li>`);
      }
      if (g.count > g.latest.length) {
        text.push(`  … and ${g.count - g.latest.length} more`);
        html.push(`<li>… and ${g.count - g.latest.length} more</li>`);
      }
      html.push('</ul>');
      text.push('');
    }
    text.push(`Change your notification settings (digests, quiet hours): ${settingsUrl}`);
    html.push(
      `<p style="font-size:12px;color:#666"><a href="${escapeHtml(settingsUrl)}">Change your notification settings</a> (digests, quiet hours).</p>`,
    );
    if (s.disclaimer) text.push('', '--', s.disclaimer);
    return {
      channel: 'mail',
      subject: title,
      text: `${text.join('\n')}\n`,
      html: `<!doctype html>\n<html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head><body>\n${html.join('\n')}\n</body></html>\n`,
    };
  }
  if (channel === 'slack') {
    const blocks: unknown[] = [{ type: 'header', text: { type: 'plain_text', text: truncateText(title, 150), emoji: false } }];
    for (const g of digest.groups.slice(0, 45)) {
      const lines = g.latest.map((e) => `• <${abs(e.url)}|${escapeSlackMrkdwn(toInlineText(e.title))}>`);
      if (g.count > g.latest.length) lines.push(`… and ${g.count - g.latest.length} more`);
      const text = `*${escapeSlackMrkdwn(groupHeading(g, s))}*\n${lines.join('\n')}`;
      blocks.push({ type: 'section', text: { type: 'mrkdwn', text: truncateText(text, 3000), verbatim: true } });
    }
    return { channel: 'slack', text: truncateText(escapeSlackMrkdwn(title), 3000), blocks };
  }
  if (channel === 'msteams') {
    const body: Record<string, unknown>[] = [
      { type: 'TextBlock', text: escapeTeamsText(title), size: 'Large', weight: 'Bolder', wrap: true },
    ];
    for (const g of digest.groups) {
      body.push({ type: 'TextBlock', text: escapeTeamsText(groupHeading(g, s)), weight: 'Bolder', wrap: true, separator: true });
      for (const e of g.latest)
        body.push({ type: 'TextBlock', text: `[${escapeTeamsText(toInlineText(e.title))}](${abs(e.url)})`, wrap: true });
    }
    return {
      channel: 'msteams',
      message: {
        type: 'message',
        attachments: [
          {
            contentType: 'application/vnd.microsoft.card.adaptive',
            contentUrl: null,
            content: { $schema: 'http://adaptivecards.io/schemas/adaptive-card.json', type: 'AdaptiveCard', version: '1.4', body },
          },
        ],
      },
    };
  }
  if (channel === 'webhooks') {
    const body = {
      event: 'notification_digest',
      delivery_id: uuid,
      created: new Date(digest.to).toISOString(),
      title,
      description: '',
      source: 'Digest',
      url: abs('/alerts'),
      url_ui: abs('/alerts'),
      url_api: null,
      digest: {
        period: digest.period,
        from: new Date(digest.from).toISOString(),
        to: new Date(digest.to).toISOString(),
        total: digest.total,
        groups: digest.groups.map((g) => ({
          product_id: g.productId,
          product: s.confidential ? null : g.productName,
          event: g.event,
          count: g.count,
          latest: g.latest.map((e) => ({ title: e.title, url: abs(e.url), created: new Date(e.createdAt).toISOString() })),
        })),
      },
    };
    return {
      channel: 'webhooks',
      event: 'notification_digest',
      body: body as unknown as Extract<TDeliveryContent, { channel: 'webhooks' }>['body'],
    };
  }
  return null;
}

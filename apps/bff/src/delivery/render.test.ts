import { afterEach, describe, expect, it } from 'vitest';
import { createTestDeps, insertEngagement, insertProduct, insertProductType, type TTestDeps } from '../test-utils';
import {
  escapeHtml,
  loadEventContext,
  renderMail,
  renderSlack,
  renderTeams,
  renderWebhookPayload,
  type TEventContext,
  type TRenderEvent,
  toAbsoluteUrl,
} from './render';

const event: TRenderEvent = {
  id: 42,
  name: 'scan_added',
  title: 'Scan <b>added</b> & "done"',
  description: 'First line <script>alert(1)</script>\n\nSecond paragraph',
  url: '/products/3?tab=findings',
  source: 'Scan Added',
  createdAt: Date.parse('2026-03-01T12:00:00Z'),
  productTypeId: null,
  productId: 3,
  engagementId: 7,
};
const ctx: TEventContext = {
  productType: { id: 1, name: 'Web <apps>' },
  product: { id: 3, name: 'Shop' },
  engagement: { id: 7, name: 'Q3 pentest' },
};
const settings = { teamName: 'Acme Security', disclaimer: 'Confidential: <internal> only', baseUrl: 'https://tocsin.example.com' };

describe('renderMail', () => {
  it('uses "<team> notification: <title>" as subject and links to the event and the notification settings', () => {
    const mail = renderMail(event, ctx, settings);
    expect(mail.subject).toBe('Acme Security notification: Scan <b>added</b> & "done"');
    expect(mail.text).toContain('https://tocsin.example.com/products/3?tab=findings');
    expect(mail.text).toContain('https://tocsin.example.com/notifications');
    expect(mail.text).toContain('Product Type: Web <apps>');
    expect(mail.text).toContain('Confidential: <internal> only');
    expect(mail.html).toContain('href="https://tocsin.example.com/notifications"');
    expect(mail.html).toContain('href="https://tocsin.example.com/products/3?tab=findings"');
  });

  it('escapes every user-provided string in the HTML part', () => {
    const mail = renderMail(event, ctx, settings);
    expect(mail.html).not.toContain('<script>');
    expect(mail.html).not.toContain('<b>added</b>');
    expect(mail.html).not.toContain('<internal>');
    expect(mail.html).not.toContain('Web <apps>');
    expect(mail.html).toContain('Scan &lt;b&gt;added&lt;/b&gt; &amp; &quot;done&quot;');
    expect(mail.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(mail.html).toContain('Confidential: &lt;internal&gt; only');
  });

  it('keeps the subject on one line', () => {
    expect(renderMail({ ...event, title: 'a\r\nBcc: x@evil.test' }, ctx, settings).subject).toBe(
      'Acme Security notification: a Bcc: x@evil.test',
    );
  });

  it('omits the disclaimer block when there is none', () => {
    const mail = renderMail(event, ctx, { ...settings, disclaimer: '' });
    expect(mail.html).not.toContain('<hr');
    expect(mail.text).not.toContain('\n--\n');
  });
});

describe('renderSlack', () => {
  it('builds Block Kit with the title, text, context, a link button and the disclaimer, escaping mrkdwn', () => {
    const slack = renderSlack(event, ctx, settings);
    expect(slack.blocks[0]).toEqual({ type: 'header', text: { type: 'plain_text', text: 'Scan <b>added</b> & "done"', emoji: false } });
    const json = JSON.stringify(slack.blocks);
    expect(json).toContain('First line &lt;script&gt;alert(1)&lt;/script&gt;');
    expect(json).toContain('<https://tocsin.example.com/product-types/1|Web &lt;apps&gt;>');
    expect(json).toContain('"url":"https://tocsin.example.com/products/3?tab=findings"');
    expect(json).toContain('Confidential: &lt;internal&gt; only');
    expect(slack.text).toContain('Acme Security notification: Scan &lt;b&gt;added&lt;/b&gt;');
  });
});

describe('renderTeams', () => {
  it('is an Adaptive Card message with an OpenUrl action and the disclaimer', () => {
    const { message } = renderTeams(event, ctx, settings);
    expect(message.type).toBe('message');
    const attachment = message.attachments[0];
    expect(attachment?.contentType).toBe('application/vnd.microsoft.card.adaptive');
    const card = attachment?.content as {
      type: string;
      version: string;
      body: { type: string; text?: string; facts?: unknown[] }[];
      actions: unknown[];
    };
    expect(card.type).toBe('AdaptiveCard');
    expect(card.version).toBe('1.4');
    expect(card.body.some((b) => b.text === event.title)).toBe(true);
    expect(card.body.some((b) => b.text === settings.disclaimer)).toBe(true);
    expect(card.body.find((b) => b.type === 'FactSet')?.facts).toContainEqual({ title: 'Product', value: 'Shop' });
    expect(card.actions).toEqual([
      { type: 'Action.OpenUrl', title: 'Open in Acme Security', url: 'https://tocsin.example.com/products/3?tab=findings' },
    ]);
  });
});

describe('text from elsewhere in Slack and Teams', () => {
  const hostile: TRenderEvent = {
    ...event,
    title: 'Scan done\n# heading [y](https://evil.example)',
    description:
      '*bold* _it_ ~strike~ `code` <!channel> <https://evil.example|click> [z](https://evil.example)\n- item\n{{DATE(2026-01-01T00:00:00Z)}}',
  };
  const names: TEventContext = {
    productType: { id: 1, name: '<@U123> team' },
    product: { id: 3, name: '*Shop* [x](https://evil.example)' },
    engagement: null,
  };

  it('Slack: mrkdwn text objects are verbatim; names, title and disclaimer make no link, mention or formatting', () => {
    const slack = renderSlack(hostile, names, { ...settings, disclaimer: '_read me_ <!here>' });
    const mrkdwnTexts = JSON.stringify(slack.blocks).match(/"type":"mrkdwn","text":"(?:[^"\\]|\\.)*","verbatim":true/g) ?? [];
    expect(mrkdwnTexts.length).toBeGreaterThanOrEqual(4);
    const json = JSON.stringify(slack.blocks);
    expect(json).not.toContain('"verbatim":false');
    for (const raw of ['<!channel>', '<!here>', '<@U123>', '<https://evil.example|click>', '|click>', '*bold*', '*Shop*', '_read me_']) {
      expect(json).not.toContain(raw);
    }
    expect(json).toContain('&lt;!channel&gt;');
    expect(json).toContain('&lt;!here&gt;');
    expect(slack.blocks[0]).toMatchObject({ text: { type: 'plain_text', text: 'Scan done # heading [y](https://evil.example)' } });
    expect(slack.text).not.toContain('\n');
  });

  it('Slack: the description is CommonMark, so its own emphasis, code, list and http(s) link are shown as such', () => {
    const slack = renderSlack(hostile, names, settings);
    const section = slack.blocks[1] as { type: string; text: { text: string } };
    expect(section.type).toBe('section');
    expect(section.text.text).toBe(
      '_bold_ _it_ \u223Cstrike\u223C `code` &lt;!channel&gt; https:\u2060//evil.example|click <https://evil.example/|z>\n\n' +
        '\u2022 item\n  {{DATE(2026-01-01T00:00:00Z)}}',
    );
  });

  it('Teams: no link, list, emphasis or date function forms from names, title or disclaimer; the title is one line', () => {
    const { message } = renderTeams(hostile, names, { ...settings, disclaimer: '**read me** [d](https://evil.example)' });
    const card = message.attachments[0]!.content as { body: { text?: string; facts?: { title: string; value: string }[] }[] };
    const description = card.body[2]?.text ?? '';
    const texts = card.body
      .filter((b) => b.text !== description)
      .flatMap((b) => [b.text ?? '', ...(b.facts ?? []).map((f) => f.value)])
      .join('\n');
    expect(texts).toContain('read me');
    expect(texts).not.toMatch(/\]\(/);
    expect(texts).not.toContain('**');
    expect(texts).not.toMatch(/(^|[^\w])[*_][^\s]/);
    expect(texts).not.toContain('{{');
    expect(texts).not.toMatch(/^[-+] /m);
    expect(texts).not.toContain('https://evil.example');
    expect(card.body[1]?.text).not.toContain('\n');
    // The description's own markdown: emphasis and its http(s) link kept, its date function and autolink made inert.
    expect(description).toContain('_bold_ _it_');
    expect(description.match(/\]\(/g)).toEqual(['](']);
    expect(description).toContain('[z](https://evil.example/)');
    expect(description).not.toContain('{{');
    expect(description).not.toContain('https://evil.example|click');
    expect(description).toMatch(/^- item /m);
  });
});

describe('renderWebhookPayload', () => {
  it('carries the event, delivery id, created time, URLs and a block per context object', () => {
    const p = renderWebhookPayload(event, ctx, settings, 'uuid-1');
    expect(p).toMatchObject({
      event: 'scan_added',
      delivery_id: 'uuid-1',
      created: '2026-03-01T12:00:00.000Z',
      title: event.title,
      description: event.description,
      description_text: 'First line <script>alert(1)</script>\n\nSecond paragraph',
      url_ui: 'https://tocsin.example.com/products/3?tab=findings',
      url_api: 'https://tocsin.example.com/api/engagements/7',
      product_type: { id: 1, name: 'Web <apps>', url: 'https://tocsin.example.com/product-types/1' },
      product: { id: 3, name: 'Shop', url: 'https://tocsin.example.com/products/3', url_api: 'https://tocsin.example.com/api/products/3' },
      engagement: {
        id: 7,
        name: 'Q3 pentest',
        url: 'https://tocsin.example.com/engagements/7',
        url_ui: 'https://tocsin.example.com/engagements/7',
        url_api: 'https://tocsin.example.com/api/engagements/7',
      },
      disclaimer: settings.disclaimer,
    });
    const bare = renderWebhookPayload(event, { productType: null, product: null, engagement: null }, { ...settings, disclaimer: '' }, 'u');
    expect(bare).not.toHaveProperty('product');
    expect(bare.url_api).toBeNull();
    expect(bare).not.toHaveProperty('disclaimer');
  });
});

describe('links and context', () => {
  let deps: TTestDeps | undefined;
  afterEach(async () => {
    await deps?.cleanup();
    deps = undefined;
  });

  it('keeps absolute URLs and joins paths to the base', () => {
    expect(toAbsoluteUrl('https://a.test', '/x')).toBe('https://a.test/x');
    expect(toAbsoluteUrl('https://a.test', 'https://b.test/y')).toBe('https://b.test/y');
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  });

  it('loads names from an engagement up to its product type', async () => {
    const d = await createTestDeps();
    deps = d;
    const pt = await insertProductType(d, 'Web');
    const product = await insertProduct(d, 'Shop', pt.id);
    const eng = await insertEngagement(d, { name: 'Q3', productId: product.id });
    expect(await loadEventContext(d, { productTypeId: null, productId: null, engagementId: eng.id })).toEqual({
      productType: { id: pt.id, name: 'Web' },
      product: { id: product.id, name: 'Shop' },
      engagement: { id: eng.id, name: 'Q3' },
    });
    expect(await loadEventContext(d, { productTypeId: pt.id, productId: null, engagementId: null })).toEqual({
      productType: { id: pt.id, name: 'Web' },
      product: null,
      engagement: null,
    });
    expect(await loadEventContext(d, { productTypeId: null, productId: 999, engagementId: null })).toEqual({
      productType: null,
      product: null,
      engagement: null,
    });
  });
});

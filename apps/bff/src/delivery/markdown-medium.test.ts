/**
 * Descriptions per medium: every construct our event builders write (bold, lists, quotes, links to paths), read
 * in plain text, HTML, Slack mrkdwn and Teams TextBlock markdown without markdown syntax or backslash escapes and
 * with absolute links; and hostile names and integration markdown inert in each medium.
 */
import type { TEngagement } from '@tocsin/contract/products';
import { describe, expect, it } from 'vitest';
import { scanImportedEvent, testAddedEvent } from '../imports/events';
import { WORD_JOINER } from '../lib/text';
import { userMentionedEvent } from '../notes/events';
import { reviewRequestedEvent } from '../reviews/events';
import { riskAcceptanceEvent } from '../risk-acceptances/events';
import { engagementAddedEvent, productAddedEvent, upcomingEngagementEvent } from '../services/domain-events';
import { slaBreachCombinedEvent, slaBreachEvent, type TSlaFinding } from '../sla/events';
import { renderFailureNotice } from './failure-notices';
import {
  renderMarkdownAsHtml,
  renderMarkdownAsSlack,
  renderMarkdownAsTeams,
  renderMarkdownAsText,
  resolveLinkUrl,
} from './markdown-medium';

const BASE = 'https://tocsin.example.com';
const opts = { baseUrl: BASE };

type TMedia = { text: string; html: string; slack: string; teams: string };
const renderAll = (markdown: string): TMedia => ({
  text: renderMarkdownAsText(markdown, opts),
  html: renderMarkdownAsHtml(markdown, opts),
  slack: renderMarkdownAsSlack(markdown, opts),
  teams: renderMarkdownAsTeams(markdown, opts),
});

/** What a reader sees: word joiners are invisible. */
const seen = (s: string) => s.split(WORD_JOINER).join('');

/** No backslash escape of punctuation left (escapeMarkdown's, or an integration's). */
function expectNoEscapesLeft(m: TMedia) {
  for (const [medium, out] of Object.entries(m)) expect(out, medium).not.toMatch(/\\[!-/:-@[-`{-~]/);
}

/**
 * For text whose names hold no markdown characters: no markdown syntax a reader would see, so no backslash
 * escape, and no `**` or `](` except in Teams, whose TextBlocks are markdown.
 */
function expectNoMarkdownLeft(m: TMedia) {
  expectNoEscapesLeft(m);
  for (const [medium, out] of Object.entries(m)) {
    if (medium !== 'teams') expect(out, medium).not.toContain('**');
    if (medium !== 'teams') expect(out, medium).not.toContain('](');
  }
}

/** Every link target in each medium, which must all be absolute URLs on our site. */
function linkTargets(m: TMedia): Record<keyof TMedia, string[]> {
  return {
    text: [...m.text.matchAll(/\((https?:\/\/[^)\s]+)\)/g)].map((x) => x[1] as string),
    html: [...m.html.matchAll(/<a\b[^>]*href="([^"]*)"/g)].map((x) => x[1] as string),
    slack: [...m.slack.matchAll(/<([^|>]+)\|/g)].map((x) => x[1] as string),
    teams: [...m.teams.matchAll(/\]\(([^)]*)\)/g)].map((x) => x[1] as string),
  };
}

function expectLinksTo(m: TMedia, urls: string[]) {
  const targets = linkTargets(m);
  for (const medium of Object.keys(targets) as (keyof TMedia)[]) expect(targets[medium], medium).toEqual(urls);
}

// ---------------------------------------------------------------------------
// Hostile names: every character that could make markup, a ping or a link in some medium.

const HOSTILE = 'Pay*ments_ <b>x</b> & [x](javascript:alert(1)) <!here> @channel https://evil.example `c` > q';
const HOSTILE_LINE_2 = '- item\n# heading';

const hostileFinding: TSlaFinding = {
  id: 12,
  title: `${HOSTILE}\n${HOSTILE_LINE_2}`,
  severity: 'Critical',
  status: 'active',
  dateFound: '2026-11-01',
  slaExpiresOn: '2026-12-02',
  testId: 5,
  productId: 2,
  productName: HOSTILE,
  engagementId: 3,
  engagementName: HOSTILE,
};

/** The hostile name is shown as it was written (on one line) and made no markup, ping or link in any medium. */
function expectHostileInert(m: TMedia) {
  // Plain text: the name as written.
  expect(seen(m.text)).toContain(HOSTILE);
  // HTML: escaped, so none of its tags, and no link but ours.
  expect(m.html).toContain('Pay*ments_ &lt;b&gt;x&lt;/b&gt; &amp; [x](javascript:alert(1)) &lt;!here&gt;');
  expect(m.html).not.toMatch(/<(?!\/?(p|strong|em|ul|ol|li|blockquote|code|pre|a|br|hr)\b)/);
  expect(m.html).not.toContain('javascript:alert(1)"');
  // Slack: no mention, no link but ours, no formatting from the name (a mark inside a word, as in Pay*ments,
  // formats nothing in Slack, so escapeSlackMrkdwn leaves it).
  expect(m.slack).not.toMatch(/<!|<@|<javascript|<https:\/\/evil/);
  expect(m.slack).toContain('&lt;!here&gt;');
  expect(m.slack).toContain('Pay*ments\u02CD &lt;b&gt;x&lt;/b&gt; &amp; [x](javascript:alert(1)) &lt;!here&gt; @\u2060channel');
  expect(m.slack).not.toContain('`c`');
  // Teams: no emphasis, link, code or list from the name.
  expect(m.teams).toContain('Pay\u2217ments\u02CD');
  expect(m.teams).not.toMatch(/\]\((?!https:\/\/tocsin\.example\.com\/)/);
  expect(m.teams).not.toContain('](javascript');
  for (const out of Object.values(m)) {
    expect(seen(out)).not.toMatch(/(^|[^:])\/\/evil/);
    expect(out).not.toContain('https://evil.example');
    expect(out).not.toContain('@channel');
  }
}

// ---------------------------------------------------------------------------

describe('the constructs our templates write', () => {
  it('scan_added: bold, a list, a list of bold severities; read without markdown in every medium', () => {
    const input = scanImportedEvent({
      ctx: {
        test: { id: 5, title: 'Semgrep', format: 'sarif' },
        product: { id: 2, name: 'Payments API' },
        engagement: { id: 3, name: 'CI_main' },
        actor: { id: 1, username: 'bob.smith' },
      },
      tool: 'Semgrep',
      isReimport: false,
      counts: {
        fileFindings: 4,
        new: 3,
        reactivated: 1,
        mitigated: 0,
        untouched: 0,
        keptTriaged: 0,
        skipped: 0,
        newBySeverity: { Critical: 1, High: 2, Medium: 0, Low: 0, Info: 0 },
      },
      lists: {
        new: [{ id: 7, title: 'SQL injection in /refunds', severity: 'Critical', url: '/findings/7', url_ui: '/findings/7', url_api: '' }],
        reactivated: [],
        mitigated: [],
        untouched: [],
        totals: { new: 3, reactivated: 1, mitigated: 0, untouched: 0 },
        list_limit: 100,
      },
    });
    const m = renderAll(input.description ?? '');
    expectNoMarkdownLeft(m);
    expect(m.text).toBe(
      'Semgrep scan imported into Payments API / CI_main by bob.smith (4 findings in the file).\n\n' +
        '- 3 new findings: 1 Critical, 2 High\n' +
        '- 1 finding reactivated (reported again after being mitigated)\n\n' +
        'Most severe new findings:\n\n' +
        '- Critical: SQL injection in /refunds',
    );
    expect(m.html).toContain('<p style="margin:0 0 12px"><strong>Semgrep</strong> scan imported into <strong>Payments API</strong> / ');
    expect(m.html).toContain('<li>3 new findings: 1 Critical, 2 High</li>');
    expect(m.html).toContain('<li><strong>Critical</strong>: SQL injection in /refunds</li>');
    expect(m.slack).toBe(
      '*Semgrep* scan imported into *Payments API* / *CI_main* by bob.smith (4 findings in the file).\n\n' +
        '\u2022 3 new findings: 1 Critical, 2 High\n' +
        '\u2022 1 finding reactivated (reported again after being mitigated)\n\n' +
        'Most severe new findings:\n\n' +
        '\u2022 *Critical*: SQL injection in /refunds',
    );
    expect(m.teams).toBe(
      '**Semgrep** scan imported into **Payments API** / **CI\u02CDmain** by bob.smith (4 findings in the file).\n\n' +
        '- 3 new findings: 1 Critical, 2 High\r' +
        '- 1 finding reactivated (reported again after being mitigated)\n\n' +
        'Most severe new findings:\n\n' +
        '- **Critical**: SQL injection in /refunds',
    );
  });

  it('test_added: bold names among text', () => {
    const input = testAddedEvent({
      test: { id: 5, title: 'Trivy', format: 'sarif' },
      product: { id: 2, name: 'Payments API' },
      engagement: { id: 3, name: 'Q3 (pentest)' },
      actor: { id: 1, username: 'alice' },
    });
    const m = renderAll(input.description ?? '');
    expectNoMarkdownLeft(m);
    expect(m.text).toBe(
      'A new Trivy test (SARIF 2.1.0) was added to the engagement Q3 (pentest) of Payments API by alice, with its first scan import.',
    );
    expect(m.slack).toContain('*Q3 (pentest)*');
    expect(m.teams).toContain('**Q3 (pentest)**');
    expect(m.html).toContain('<strong>Q3 (pentest)</strong>');
  });

  it('sla_breach_combined: a list of linked findings, each link absolute', () => {
    const input = slaBreachCombinedEvent({
      product: { id: 2, name: 'Payments API' },
      kind: 'overdue',
      findings: [
        { ...hostileFinding, id: 12, title: 'SQL injection [legacy]', daysLeft: -2 },
        { ...hostileFinding, id: 13, title: 'XSS in search', severity: 'High', daysLeft: -1 },
      ],
      preBreachDays: 3,
      today: '2026-12-04',
    });
    const m = renderAll(input.description ?? '');
    expectNoMarkdownLeft(m);
    expectLinksTo(m, [`${BASE}/findings/12`, `${BASE}/findings/13`]);
    expect(m.text).toBe(
      '2 open findings of Payments API are past their SLA:\n\n' +
        `- Critical SQL injection [legacy] (${BASE}/findings/12): 2 days overdue (SLA 2026-12-02)\n` +
        `- High XSS in search (${BASE}/findings/13): 1 day overdue (SLA 2026-12-02)`,
    );
    expect(m.html).toContain(`<li><strong>Critical</strong> <a href="${BASE}/findings/12">SQL injection [legacy]</a>: 2 days overdue`);
    expect(m.slack).toContain(`\u2022 *Critical* <${BASE}/findings/12|SQL injection [legacy]>: 2 days overdue (SLA 2026-12-02)`);
    expect(m.teams).toContain(`- **Critical** [SQL injection \u27E6legacy\u27E7](${BASE}/findings/12): 2 days overdue (SLA 2026-12-02)\r`);
  });

  it('user_mentioned: the note quoted; review_requested: a multi-line message quoted line by line', () => {
    const mention = userMentionedEvent({
      target: { kind: 'finding', id: 12, title: 'SQLi', engagementId: 3, engagementName: 'CI', productId: 2, productName: 'Payments API' },
      author: { id: 1, username: 'alice' },
      note: { id: 4, entry: '@bob please **look** at <this> _now_', isPrivate: false },
      recipients: [2],
      url: '/findings/12#note-4',
    });
    const m = renderAll(mention.description ?? '');
    // The note's own `**` is what alice typed: shown as written.
    expectNoEscapesLeft(m);
    expect(seen(m.text)).toBe(
      'alice mentioned you in a note on the finding SQLi in Payments API / CI:\n\n> @bob please **look** at <this> _now_',
    );
    expect(seen(m.html)).toContain('<blockquote');
    expect(seen(m.html)).toContain('@bob please **look** at &lt;this&gt; _now_</p>\n</blockquote>');
    // The note's own markdown is text: its asterisks and underscores are look-alikes in Slack and Teams.
    expect(seen(m.slack)).toContain('\n\n> @bob please \u2217\u2217look\u2217\u2217 at &lt;this&gt; \u02CDnow\u02CD');
    expect(seen(m.teams)).toContain('\n\n> @bob please \u2217\u2217look\u2217\u2217 at <this> \u02CDnow\u02CD');

    const review = reviewRequestedEvent({
      finding: {
        id: 12,
        title: 'SQLi',
        severity: 'High',
        status: 'active',
        testId: 5,
        engagementId: 3,
        engagementName: 'CI',
        productId: 2,
        productName: 'Payments API',
      },
      findingPayload: {
        id: 12,
        title: 'SQLi',
        severity: 'High',
        status: 'active',
        date_found: '2026-11-01',
        sla_expires_on: null,
        test_id: 5,
        url: '/findings/12',
        url_ui: '/findings/12',
        url_api: '/api/findings/12',
      },
      requester: { id: 1, username: 'alice' },
      reviewers: [{ id: 2, username: 'bob' }],
      reviewIds: [1],
      message: 'Is this reachable?\n- from the API\n1. or only internally',
    });
    const r = renderAll(review.description ?? '');
    expectNoMarkdownLeft(r);
    expect(r.text).toContain('> Is this reachable?\n> - from the API\n> 1. or only internally\n\nOpen the finding');
    expect(r.slack).toContain('> Is this reachable?\n> - from the API\n> 1. or only internally\n\nOpen the finding');
    expect(r.html).toContain('Is this reachable?<br>- from the API<br>1. or only internally');
    // Each quoted line is its own paragraph in Teams, and the lines that look like list items stay text.
    expect(r.teams).toContain('> Is this reachable?\n\n> \u2060- from the API\n\n> \u20601. or only internally');
  });

  it('risk_acceptance_expiration, product_added, engagement_added, upcoming_engagement and failure notices', () => {
    const ra = riskAcceptanceEvent(
      {
        id: 8,
        name: 'Legacy TLS',
        productId: 2,
        productName: 'Payments API',
        engagementId: null,
        engagementName: null,
        ownerUsername: 'alice',
        decision: 'accepted',
        expiresOn: '2026-12-10',
        reactivateExpired: true,
        restartSlaExpired: false,
        findings: [{ id: 21, title: 'TLS 1.0 enabled', severity: 'Medium' }],
      },
      'heads_up',
      10,
    );
    const m = renderAll(ra.description ?? '');
    expectNoMarkdownLeft(m);
    expectLinksTo(m, [`${BASE}/findings/21`]);
    expect(m.text).toContain(`- Medium TLS 1.0 enabled (${BASE}/findings/21)`);

    const engagement: TEngagement = {
      id: 3,
      name: 'PCI *Review*',
      product_id: 2,
      product_name: 'Payments API',
      lead_id: 4,
      lead_username: 'carol_b',
      target_start: '2026-12-01',
      target_end: '2026-12-14',
      status: 'In Progress',
      created_at: '2026-11-30T10:00:00.000Z',
    };
    for (const description of [
      productAddedEvent({ id: 2, name: 'Payments API', product_type_id: 1, product_type_name: 'Web' }, { id: 1, username: 'a' })
        .description,
      engagementAddedEvent(engagement, { id: 1, username: 'alice' }).description,
      upcomingEngagementEvent(engagement, 3).description,
      renderFailureNotice(
        {
          channel: 'webhooks',
          destinationKey: 'webhook:1',
          destination: 'webhook SIEM (https://siem.example/hook)',
          eventTitle: 'Scan *done*',
          reason: 'HTTP 500: <html>oops</html>',
        },
        'webhook',
      ).description,
    ]) {
      const media = renderAll(description ?? '');
      expectNoMarkdownLeft(media);
      expect(seen(media.text)).not.toMatch(/\*\*|\\/);
      expect(media.html).not.toContain('<html>');
    }
    const e = renderAll(engagementAddedEvent(engagement, { id: 1, username: 'alice' }).description ?? '');
    expect(e.text).toBe('The engagement PCI *Review* on Payments API runs from 2026-12-01 to 2026-12-14, led by carol_b.');
    expect(e.slack).toBe('The engagement *PCI \u2217Review\u2217* on *Payments API* runs from 2026-12-01 to 2026-12-14, led by carol_b.');
  });
});

describe('hostile names in real events', () => {
  it('sla_breach: names with markup, pings, links and line breaks stay text in every medium', () => {
    const input = slaBreachEvent(hostileFinding, { kind: 'pre_breach', daysLeft: 2 }, '2026-11-30');
    const m = renderAll(input.description ?? '');
    expectNoEscapesLeft(m);
    expectHostileInert(m);
    // The finding title's line break became a space: the "- item" and "# heading" after it are no list or heading.
    expect(seen(m.text)).toContain(`${HOSTILE} - item # heading`);
    expect(m.html).not.toContain('<li>');
    expect(m.slack).not.toContain('\u2022');
    expect(m.teams).not.toMatch(/^- /m);
  });

  it('sla_breach_combined: a hostile title inside our link label stays the label', () => {
    const input = slaBreachCombinedEvent({
      product: { id: 2, name: HOSTILE },
      kind: 'pre_breach',
      findings: [{ ...hostileFinding, title: `${HOSTILE}](https://evil.example) [y`, daysLeft: 2 }],
      preBreachDays: 3,
      today: '2026-11-30',
    });
    const m = renderAll(input.description ?? '');
    expectNoEscapesLeft(m);
    expectHostileInert(m);
    expectLinksTo(m, [`${BASE}/findings/12`]);
  });

  it('user_mentioned, review_requested and test_added with hostile names', () => {
    const target = {
      kind: 'finding' as const,
      id: 12,
      title: HOSTILE,
      engagementId: 3,
      engagementName: HOSTILE,
      productId: 2,
      productName: HOSTILE,
    };
    const mention = userMentionedEvent({
      target,
      author: { id: 1, username: 'mallory' },
      note: { id: 4, entry: `${HOSTILE}\n${HOSTILE_LINE_2}`, isPrivate: true },
      recipients: [2],
      url: '/findings/12#note-4',
    });
    const test = testAddedEvent({
      test: { id: 5, title: HOSTILE, format: 'generic' },
      product: { id: 2, name: HOSTILE },
      engagement: { id: 3, name: HOSTILE },
      actor: { id: 1, username: 'mallory' },
    });
    for (const input of [mention, test]) {
      const m = renderAll(input.description ?? '');
      expectNoEscapesLeft(m);
      expectHostileInert(m);
      expect(linkTargets(m).html).toEqual([]);
    }
  });
});

describe('markdown an integration sent (POST /api/events)', () => {
  const integration = [
    '# Nightly **ZAP** run',
    '',
    'Found [3 issues](https://zap.example/report?id=1&x=2) and a [path](/products/2). See <https://ci.example/run/5>.',
    '',
    '- [evil](javascript:alert(1)) [data](data:text/html,<b>x</b>) [mail](mailto:a@b.c) [rel](details) [proto](//evil.example)',
    '- ![tracker](https://evil.example/pixel.png) <img src=x onerror=alert(1)> <!here> <@U123> @everyone',
    '',
    '<script>alert(1)</script>',
    '',
    '> quoted `code` and *emphasis*',
    '',
    '```',
    'raw <b>block</b> **not bold**',
    '```',
    '',
    '[ref]: https://zap.example/ref',
    'A [reference][ref] and a [missing][nope] one.',
  ].join('\n');

  it('keeps its formatting and http(s) links; javascript:, data:, mailto:, relative and protocol-relative targets lose their link', () => {
    const m = renderAll(integration);
    expectNoEscapesLeft(m);
    expect(m.text.replace('**not bold**', '')).not.toContain('**');
    const urls = ['https://zap.example/report?id=1&x=2', `${BASE}/products/2`, 'https://ci.example/run/5', 'https://zap.example/ref'];
    const targets = linkTargets(m);
    expect(targets.html).toEqual(urls.map((u) => u.replace(/&/g, '&amp;')));
    expect(targets.teams).toEqual(urls);
    // Slack writes & as an entity inside the link; a bare URL is written <url> without a label.
    expect(m.slack).toContain('<https://zap.example/report?id=1&amp;x=2|3 issues>');
    expect(m.slack).toContain(`<${BASE}/products/2|path>`);
    expect(m.slack).toContain('<https://ci.example/run/5>');
    expect(m.slack).toContain('<https://zap.example/ref|reference>');
    expect(m.text).toContain('Found 3 issues (https://zap.example/report?id=1&x=2) and a path (https://tocsin.example.com/products/2).');
    expect(m.text).toContain('See https://ci.example/run/5.');
    expect(m.text).toContain('A reference (https://zap.example/ref) and a [missing][nope] one.');

    for (const out of Object.values(m)) {
      for (const bad of ['javascript:alert(1))', 'data:text', 'mailto:', '(details)', 'pixel.png']) expect(out).not.toContain(bad);
    }
    // Pings are Slack's (and markup HTML's); plain text and Teams show them as the characters they are.
    for (const out of [m.slack, m.html]) for (const bad of ['<!here>', '<@U123>']) expect(out).not.toContain(bad);
    expect(m.html).not.toMatch(/<(script|img|b)\b/);
    expect(m.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(m.html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(m.html).toContain('<p style="margin:0 0 12px"><strong>Nightly <strong>ZAP</strong> run</strong></p>');
    expect(m.html).toContain('<code>code</code> and <em>emphasis</em>');
    expect(m.html).toContain(
      '<pre style="margin:0 0 12px;white-space:pre-wrap"><code>raw &lt;b&gt;block&lt;/b&gt; **not bold**</code></pre>',
    );
    expect(m.text).toContain('Nightly ZAP run\n\n');
    expect(m.text).toContain('- evil data mail rel proto\n- tracker <img src=x onerror=alert(1)> <!here> <@\u2060U123> @\u2060everyone');
    expect(m.text).toContain('> quoted code and emphasis');
    expect(m.slack).toContain('&lt;!here&gt; &lt;@\u2060U123&gt; @\u2060everyone');
    expect(m.slack).toContain('> quoted `code` and _emphasis_');
    expect(m.slack).toContain('*Nightly *ZAP* run*');
    expect(m.teams).toContain('**Nightly **ZAP** run**');
    expect(m.teams).toContain('> quoted code and _emphasis_');
  });

  it('Slack stays within the section limit, cut at a line end so no link is split', () => {
    const long = Array.from({ length: 200 }, (_, i) => `- [finding number ${i}](/findings/${i}) is overdue`).join('\n');
    const slack = renderMarkdownAsSlack(long, { ...opts, max: 3000 });
    expect(slack.length).toBeLessThanOrEqual(3000);
    expect(slack.endsWith('\n\u2026')).toBe(true);
    for (const line of slack.split('\n').slice(0, -1))
      expect(line).toMatch(/^\u2022 <https:\/\/tocsin\.example\.com\/findings\/\d+\|finding number \d+> is overdue$/);

    // One line longer than the limit: cut before a link it would split, and never inside a surrogate pair.
    const oneLine = `${'😀'.repeat(1490)} [x](/findings/1) & more`;
    const cut = renderMarkdownAsSlack(oneLine, { ...opts, max: 3000 });
    expect(cut.length).toBeLessThanOrEqual(3000);
    expect(cut.endsWith('\u2026')).toBe(true);
    expect(cut).not.toContain('<https');
    expect(cut).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
  });
});

describe('resolveLinkUrl', () => {
  it.each([
    ['/findings/12', `${BASE}/findings/12`],
    ['/products/2?engagement=3#x', `${BASE}/products/2?engagement=3#x`],
    ['https://zap.example/a b', null],
    ['HTTPS://Zap.Example/a', 'https://zap.example/a'],
    ['http://zap.example/(x)', 'http://zap.example/(x)'],
    ['javascript:alert(1)', null],
    ['JavaScript:alert(1)', null],
    ['data:text/html,x', null],
    ['mailto:a@b.c', null],
    ['//evil.example/x', null],
    ['/\\evil.example/x', null],
    ['details', null],
    ['#top', null],
    ['', null],
    ['https://', null],
    ['/find\nings', null],
  ])('%s -> %s', (url, expected) => {
    expect(resolveLinkUrl(url, BASE)).toBe(expected);
  });
});

describe('plain text for machines', () => {
  it('keeps names exactly as stored (no word joiners) and links absolute', () => {
    const md = `The product **${'a@b.example https://x.example'.replace(/[@:/.]/g, '\\$&')}** has [a finding](/findings/3).`;
    expect(renderMarkdownAsText(md, { ...opts, forData: true })).toBe(
      `The product a@b.example https://x.example has a finding (${BASE}/findings/3).`,
    );
    expect(renderMarkdownAsText(md, opts)).toContain(`a@${WORD_JOINER}b.example https:${WORD_JOINER}//x.example`);
  });
});

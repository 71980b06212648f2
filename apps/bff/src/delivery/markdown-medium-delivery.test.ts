/**
 * A real scan import's scan_added notice as it arrives at a real SMTP server and at the Slack Web API stand-in on
 * loopback: the description reads as text (mail text part), as HTML (mail HTML part) and as mrkdwn (Slack), with
 * no markdown syntax or backslash escapes left and every link absolute. The engagement has a name full of
 * markdown and Slack syntax, which must arrive as the characters it is.
 */
import { sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { createFindingsWorld, eventRows, importOk, sessionAuth, type TWorld } from '../findings/test-helpers';
import { insertEngagement } from '../test-utils';
import { drainDeliveries, updateSystemSettings } from './test-peers/fixtures';
import { startSlackStandIn, type TSlackStandIn } from './test-peers/slack';
import { startSmtpReceiver, type TSmtpReceiver } from './test-peers/smtp';

let w: TWorld | undefined;
let smtp: TSmtpReceiver | undefined;
let slack: TSlackStandIn | undefined;
afterEach(async () => {
  await smtp?.close();
  await slack?.close();
  await w?.deps.cleanup();
  smtp = slack = w = undefined;
});

const ENGAGEMENT = 'CI_main *nightly* <!here> [x](https://evil.example)';

describe('a scan_added notice by mail and Slack', () => {
  it('reads right: bold as bold, the counts as a list, no ** or backslashes, names as written', async () => {
    smtp = await startSmtpReceiver();
    slack = await startSlackStandIn({ channels: ['#security'] });
    w = await createFindingsWorld({
      PUBLIC_URL: 'https://tocsin.test',
      // Both stand-ins listen on loopback, which the outbound policy refuses unless it is listed.
      OUTBOUND_ALLOW: '127.0.0.1',
      SLACK_API_URL: slack.url,
      DELIVERY_BACKOFF_BASE_MS: 10,
      DELIVERY_BACKOFF_MAX_MS: 50,
    });
    await updateSystemSettings(w.deps, {
      teamName: 'Acme',
      mailEnabled: true,
      mailTo: 'security@example.test',
      mailFrom: 'tocsin@example.test',
      smtpHost: '127.0.0.1',
      smtpPort: smtp.port,
      smtpTlsMode: 'none',
      slackEnabled: true,
      slackToken: slack.token,
      slackChannel: '#security',
    });
    // The system record sends scan_added as an alert, by mail and to Slack.
    await w.deps.db.run(sql`update notification_settings set channels = 7 where scope = 'system' and event = 'scan_added'`);
    const engagement = await insertEngagement(w.deps, { name: ENGAGEMENT, productId: w.payments.id, status: 'In Progress' });

    await importOk(w.app, sessionAuth(w.clients.bob), { engagement_id: engagement.id }, { fixture: 'semgrep.sarif' });
    await drainDeliveries(w.deps);

    const [scan] = await eventRows(w.deps, sql`name = 'scan_added'`);
    expect(scan?.description).toContain('**Semgrep OSS** scan imported into **Payments API**');
    expect(scan?.description).toMatch(/\\/);

    // Mail: one message, text and HTML parts.
    expect(smtp.messages).toHaveLength(1);
    const mail = smtp.messages[0]!;
    expect(mail.subject).toMatch(/^Acme notification: Semgrep OSS scan imported into Payments API \//);
    expect(mail.text).not.toBeNull();
    expect(mail.html).not.toBeNull();
    const text = (mail.text ?? '').split('\u2060').join('');
    const html = mail.html ?? '';
    expect(text).toContain(
      `Semgrep OSS scan imported into Payments API / ${ENGAGEMENT} by bob (4 findings in the file).\n\n- 4 new findings: `,
    );
    expect(text).toMatch(/\n\nMost severe new findings:\n\n- (Critical|High|Medium|Low|Info): /);
    expect(text).toContain('Open it in Acme: https://tocsin.test/tests/');
    expect(text).not.toContain('**');
    expect(text).not.toMatch(/\\[!-/:-@[-`{-~]/);

    expect(html).toContain('<strong>Semgrep OSS</strong> scan imported into <strong>Payments API</strong> / <strong>');
    expect(html).toContain('CI_main *nightly* &lt;!here&gt; [x](https:');
    expect(html).toMatch(/<ul style="[^"]*">\n<li>4 new findings: /);
    expect(html).not.toContain('**');
    expect(html).not.toMatch(/\\[!-/:-@[-`{-~]/);
    expect(html).not.toContain('href="https://evil.example');
    for (const [, href] of html.matchAll(/href="([^"]*)"/g)) expect(href).toMatch(/^https:\/\/tocsin\.test\//);

    // Slack: the system channel gets Block Kit whose description section is mrkdwn.
    const post = (await slack.waitForPosts(1))[0]!;
    expect(post.channel).toBe('#security');
    const blocks = post.blocks as { type: string; text?: { type: string; text: string; verbatim?: boolean } }[];
    const section = blocks.find((b) => b.type === 'section');
    expect(section?.text).toMatchObject({ type: 'mrkdwn', verbatim: true });
    const mrkdwn = section?.text?.text ?? '';
    expect(mrkdwn).toMatch(/^\*Semgrep OSS\* scan imported into \*Payments API\* \/ \*CI_main \u2217nightly\u2217 &lt;!here&gt; /);
    expect(mrkdwn).toContain(' by bob (4 findings in the file).\n\n\u2022 4 new findings: ');
    expect(mrkdwn).toMatch(/\n\nMost severe new findings:\n\n\u2022 \*(Critical|High|Medium|Low|Info)\*: /);
    expect(mrkdwn).not.toContain('**');
    expect(mrkdwn).not.toMatch(/\\[!-/:-@[-`{-~]/);
    expect(mrkdwn).not.toMatch(/<!|<https:\/\/evil/);
  });
});

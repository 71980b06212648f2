/**
 * GET and POST /api/unsubscribe?token=…: no session, the signed token is the authority (unsubscribe/tokens.ts).
 * GET only shows what the POST would do (mail scanners fetch links; they must change nothing); POST, from the mail
 * client's one-click (RFC 8058) or the page's button, turns off that event's personal mail for that user, in their
 * settings and their personal rules, and the page says what changed in which rule.
 */
import { findEventInfo } from '@tocsin/contract/catalogue';
import { Hono } from 'hono';
import type { AppEnv } from '../app-context';
import { escapeHtml, NOTIFICATION_SETTINGS_PATH, toAbsoluteUrl } from '../delivery/render';
import { getPublicBaseUrl } from '../delivery/settings';
import { badRequest } from '../lib/errors';
import type { TRuleMailStop } from '../rules/service';
import { findRulesToNarrow, findUnsubscribeTarget, unsubscribeFromMail } from './service';

const INVALID =
  'This unsubscribe link is not valid (it was cut or changed). Open the link from the email again, or change your notification settings in Tocsin.';

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)}</title></head>
<body><main><h1>${escapeHtml(title)}</h1>
${body}
</main></body></html>
`;
}

/** One rule's change in words, for the confirmation page (names are the user's text: escaped). */
function describeRuleStop(stop: TRuleMailStop, label: string): string {
  const rule = `“${escapeHtml(stop.rule)}”`;
  const event = escapeHtml(label);
  switch (stop.outcome) {
    case 'disabled':
      return `${rule} is switched off: email about ${event} was all it sent.`;
    case 'mail_removed':
      return `${rule} no longer sends email; its other channels stay.`;
    case 'event_removed':
      return `${rule} no longer covers ${event}; it still emails the other events it covers.`;
    case 'split':
      return `${rule} no longer covers ${event}; the new rule “${escapeHtml(stop.newRule)}” keeps its other channels for ${event}, without email.`;
  }
}

export const unsubscribeRoutes = new Hono<AppEnv>()
  .get('/', async (c) => {
    const deps = c.var.deps;
    const token = c.req.query('token') ?? '';
    const target = await findUnsubscribeTarget(deps, token);
    if (!target) throw badRequest(INVALID);
    const label = findEventInfo(target.event).label;
    const settings = toAbsoluteUrl(getPublicBaseUrl(deps.env), NOTIFICATION_SETTINGS_PATH);
    const rules = await findRulesToNarrow(deps, target);
    const body = `<p>Stop sending <strong>${escapeHtml(label)}</strong> notifications by email to ${escapeHtml(target.username)}?
Other events, other channels and the team's system notifications are not changed.</p>
${rules.length === 0 ? '' : `<p>${rules.length === 1 ? 'Your rule' : 'Your rules'} ${rules.map((r) => `“${escapeHtml(r)}”`).join(', ')} will stop emailing ${escapeHtml(label)} too; what ${rules.length === 1 ? 'it does' : 'they do'} for other events and channels stays.</p>`}
<form method="post" action="?token=${escapeHtml(encodeURIComponent(token))}"><button type="submit">Unsubscribe</button></form>
<p><a href="${escapeHtml(settings)}">Open your notification settings instead</a></p>`;
    return c.html(page('Unsubscribe from email notifications', body), 200);
  })
  .post('/', async (c) => {
    const deps = c.var.deps;
    const token = c.req.query('token') ?? '';
    const done = await unsubscribeFromMail(deps, token);
    if (!done) throw badRequest(INVALID);
    const label = findEventInfo(done.event).label;
    const settings = toAbsoluteUrl(getPublicBaseUrl(deps.env), NOTIFICATION_SETTINGS_PATH);
    const changes = done.rules.map((r) => `<li>${describeRuleStop(r, label)}</li>`).join('');
    const body = `<p>${escapeHtml(done.username)} will no longer receive <strong>${escapeHtml(label)}</strong> notifications by email.</p>
${changes === '' ? '' : `<p>Your rules were changed to match:</p><ul>${changes}</ul>`}
<p><a href="${escapeHtml(settings)}">Change your notification settings</a> to turn it back on.</p>`;
    return c.html(page('Unsubscribed', body), 200);
  });

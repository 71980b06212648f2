/**
 * The mail channel: email over SMTP with nodemailer (one transport per distinct SMTP configuration and checked
 * address), to the system address or to a user's login email. The SMTP host obeys the outbound policy like
 * every destination: it is resolved and checked first (resolveSmtpTarget), nodemailer connects to the checked
 * address, and TLS still verifies the certificate against the configured name.
 */

import { sql } from 'drizzle-orm';
import nodemailer, { type Transporter } from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport';
import type { Deps } from '../../app-context';
import { describeDestinationRow, resolveDestinationTarget } from '../../destinations/targets';
import { DIGEST_EVENT_NAME } from '../../digests/constants';
import { toMailFrom } from '../../lib/mail-from';
import { buildUnsubscribeHeaders } from '../../unsubscribe/tokens';
import { getOutboundPolicy, OutboundRefusedError, resolveSmtpTarget, type TSmtpTarget } from '../outbound';
import { classifyFetchError, permanent, requestSignal, type TSecrets, type TSendOutcome, toAnswerSnippet, transient } from '../outcome';
import { renderMail, type TMailContent } from '../render';
import type { TSystemSettings } from '../settings';
import {
  describeOtherDestination,
  findUserTarget,
  LEASE_MARGIN_MS,
  resolveActiveUser,
  type TChannelAdapter,
  toTestResult,
} from './adapter';

type TSmtpSettings = Pick<TSystemSettings, 'smtpHost' | 'smtpPort' | 'smtpTlsMode' | 'smtpUser' | 'smtpPassword'>;

const CONNECT_TIMEOUT_MS = 10_000;
const SOCKET_TIMEOUT_MS = 30_000;
/** The longest one message may take, whatever the server does (the worker's lease must outlast it). */
export const MAIL_SEND_TIMEOUT_MS = 45_000;

const transports = new Map<string, Transporter<SMTPTransport.SentMessageInfo>>();

function fingerprintOf(s: TSmtpSettings, target: TSmtpTarget): string {
  return JSON.stringify([s.smtpHost, target.address, target.port, s.smtpTlsMode, s.smtpUser, s.smtpPassword]);
}

/** The transport for these settings and this checked address, created on first use and reused while they stay the same. */
export function getMailTransport(s: TSmtpSettings, target: TSmtpTarget): Transporter<SMTPTransport.SentMessageInfo> {
  const key = fingerprintOf(s, target);
  let transport = transports.get(key);
  if (!transport) {
    // Settings changed: the old transports are of no more use.
    for (const old of transports.values()) old.close();
    transports.clear();
    const options: SMTPTransport.Options = {
      // The checked address, not the name: a DNS answer that changed since the check cannot lead elsewhere.
      host: target.address,
      port: target.port,
      tls: target.servername ? { servername: target.servername } : {},
      secure: s.smtpTlsMode === 'tls',
      ignoreTLS: s.smtpTlsMode === 'none',
      requireTLS: s.smtpTlsMode === 'starttls',
      connectionTimeout: CONNECT_TIMEOUT_MS,
      greetingTimeout: CONNECT_TIMEOUT_MS,
      socketTimeout: SOCKET_TIMEOUT_MS,
    };
    if (s.smtpUser) options.auth = { user: s.smtpUser, pass: s.smtpPassword };
    transport = nodemailer.createTransport(options);
    transports.set(key, transport);
  }
  return transport;
}

export function closeMailTransports(): void {
  for (const t of transports.values()) t.close();
  transports.clear();
}

/** Why no mail at all can be sent with these settings (empty when they are complete). */
function findSmtpProblems(s: TSystemSettings): string[] {
  const problems: string[] = [];
  if (!s.smtpHost.trim()) problems.push('No SMTP server is configured (System Settings → SMTP host, or SMTP_HOST on the server).');
  if (!s.mailFrom.trim()) problems.push('No sender address is configured (System Settings → mail from).');
  else {
    const from = toMailFrom(s.mailFrom, s.teamName);
    if (!from.ok) problems.push(`${from.message} (System Settings → mail from).`);
  }
  if (s.unreadableSecrets.includes('smtpPassword')) {
    problems.push('The stored SMTP password cannot be decrypted with the current SECRET_KEY: enter it again in System Settings.');
  }
  return problems;
}

/** The first reason no mail can be sent with these settings, or null when they are complete. */
export function findMailConfigProblem(s: TSystemSettings): string | null {
  return findSmtpProblems(s)[0] ?? null;
}

const NO_SYSTEM_ADDRESS = 'No system email address is set (System Settings → mail notifications to)';

type TSmtpError = Error & { code?: string; responseCode?: number; response?: string; command?: string };

/**
 * SMTP 5xx (rejected recipient, refused message, failed login) is permanent; 4xx and network trouble are
 * transient. The server's words go into `error` (secrets redacted), the code and reason into `summary`.
 */
export function classifySmtpError(err: unknown, secrets: TSecrets = []): TSendOutcome {
  const e = err as TSmtpError;
  const code = typeof e?.responseCode === 'number' ? e.responseCode : undefined;
  const detail = toAnswerSnippet(e?.response || e?.message || String(err), secrets);
  const errCode = typeof e?.code === 'string' && /^[A-Z_]{1,40}$/.test(e.code) ? e.code : undefined;
  const fail = (kind: typeof permanent, reason: string, extra: { responseCode?: number } = {}) =>
    kind(`${reason}: ${detail}`, { ...extra, summary: `${reason}.` });
  if (code !== undefined && code >= 500) return fail(permanent, `The SMTP server refused the message (${code})`, { responseCode: code });
  if (code !== undefined && code >= 400) return fail(transient, `The SMTP server deferred the message (${code})`, { responseCode: code });
  if (errCode === 'EAUTH') return fail(permanent, 'SMTP login failed');
  if (errCode === 'ETLS') return fail(permanent, 'TLS with the SMTP server failed (check the TLS mode in System Settings)');
  if (errCode === 'EENVELOPE' || errCode === 'EMESSAGE') return fail(permanent, 'The message could not be sent');
  return fail(transient, `Could not talk to the SMTP server${errCode ? ` (${errCode})` : ''}`);
}

/** Resolves with a transient failure when the send takes too long or Tocsin is stopping; nodemailer takes no AbortSignal. */
function giveUpWhen(signal: AbortSignal | undefined): { promise: Promise<TSendOutcome>; clear: () => void } {
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  const promise = new Promise<TSendOutcome>((resolve) => {
    timer = setTimeout(
      () => resolve(transient(`The SMTP server did not finish within ${MAIL_SEND_TIMEOUT_MS / 1000} s (timed out).`)),
      MAIL_SEND_TIMEOUT_MS,
    );
    onAbort = () => resolve(transient('Sending was cancelled (Tocsin is stopping).'));
    if (signal?.aborted) onAbort();
    else signal?.addEventListener('abort', onAbort, { once: true });
  });
  return {
    promise,
    clear: () => {
      clearTimeout(timer);
      if (onAbort) signal?.removeEventListener('abort', onAbort);
    },
  };
}

/** The SMTP host resolved and checked against the outbound policy, or why it may not be used. */
async function resolveSmtpHost(
  deps: Pick<Deps, 'env' | 'resolveHost'>,
  settings: TSystemSettings,
  signal: AbortSignal | undefined,
): Promise<{ ok: true; target: TSmtpTarget } | { ok: false; outcome: TSendOutcome }> {
  try {
    const target = await resolveSmtpTarget(settings.smtpHost, settings.smtpPort, getOutboundPolicy(deps.env), {
      resolve: deps.resolveHost,
      signal,
    });
    return { ok: true, target };
  } catch (err) {
    if (err instanceof OutboundRefusedError) return { ok: false, outcome: permanent(err.message) };
    return { ok: false, outcome: classifyFetchError(err, `the SMTP server ${settings.smtpHost}`, CONNECT_TIMEOUT_MS) };
  }
}

export async function sendMail(
  deps: Pick<Deps, 'env' | 'resolveHost'>,
  settings: TSystemSettings,
  to: string,
  content: TMailContent,
  signal?: AbortSignal,
  /** More headers (List-Unsubscribe on personal mail); ours, never text someone else wrote. */
  extraHeaders: Record<string, string> = {},
): Promise<TSendOutcome> {
  const problem = findMailConfigProblem(settings);
  if (problem) return permanent(problem);
  const from = toMailFrom(settings.mailFrom, settings.teamName);
  if (!from.ok) return permanent(from.message);
  const secrets = [settings.smtpPassword];
  // nodemailer takes no AbortSignal: the look-up is bounded here, the send by giveUpWhen below.
  const lookup = requestSignal(CONNECT_TIMEOUT_MS, signal);
  let resolved: Awaited<ReturnType<typeof resolveSmtpHost>>;
  try {
    resolved = await resolveSmtpHost(deps, settings, lookup.signal);
  } finally {
    lookup.done();
  }
  if (!resolved.ok) return resolved.outcome;
  const transport = getMailTransport(settings, resolved.target);
  const send = transport
    .sendMail({
      from: { name: from.mailbox.name, address: from.mailbox.address },
      to,
      subject: content.subject,
      text: content.text,
      html: content.html,
      headers: { ...extraHeaders, 'Auto-Submitted': 'auto-generated' },
    })
    .then(
      (info): TSendOutcome => {
        const code = Number.parseInt(String(info.response ?? '').slice(0, 3), 10);
        if (info.rejected.length > 0 && info.accepted.length === 0) {
          return permanent(`The SMTP server rejected ${to}: ${toAnswerSnippet(String(info.response ?? ''), secrets)}`, {
            summary: `The SMTP server rejected ${to}.`,
            responseCode: Number.isNaN(code) ? undefined : code,
          });
        }
        return {
          ok: true,
          responseCode: Number.isNaN(code) ? undefined : code,
          detail: toAnswerSnippet(String(info.response ?? ''), secrets),
        };
      },
      (err: unknown) => classifySmtpError(err, secrets),
    );
  // On a timeout or a stop we stop waiting; the message may still go out, and the row is tried again (at least once).
  const giveUp = giveUpWhen(signal);
  try {
    return await Promise.race([send, giveUp.promise]);
  } finally {
    giveUp.clear();
  }
}

/** A system notification goes to the system address, a personal one to the user's login email. */
export const mailChannel: TChannelAdapter<{ to: string }, TMailContent> = {
  channel: 'mail',
  notice: { words: 'Email', source: 'Email Notification', icon: 'mail' },

  render: (event, context, settings) => renderMail(event, context, settings),

  async resolveTarget(deps, row, settings) {
    if (row.targetKind === 'destination') {
      const destination = await resolveDestinationTarget(deps, row, 'mail');
      return destination.ok ? { ok: true, target: { to: destination.target.to } } : destination;
    }
    if (row.targetKind === 'system') {
      const to = settings.mailTo.trim();
      if (!to) return { ok: false, outcome: permanent(`${NO_SYSTEM_ADDRESS}, so this was not sent.`) };
      return { ok: true, target: { to } };
    }
    if (row.targetKind !== 'user')
      return { ok: false, outcome: permanent(`A mail delivery cannot go to a "${row.targetKind}" destination.`) };
    const user = await resolveActiveUser(deps, row.userId);
    if (!user.ok) return user;
    if (!user.target.email.trim())
      return { ok: false, outcome: permanent(`${user.target.username} has no email address, so this was not sent.`) };
    return { ok: true, target: { to: user.target.email } };
  },

  async send(deps, { delivery, target, content }, ctx) {
    // Personal mail about one event can be unsubscribed from in one click (RFC 8058); system mail and digests cannot.
    let headers: Record<string, string> = {};
    if (delivery.targetKind === 'user' && delivery.userId !== null) {
      const event = await deps.db.get<{ routedAs: string }>(
        sql`select routed_as as "routedAs" from events where id = ${delivery.eventId} and name != ${DIGEST_EVENT_NAME}`,
      );
      if (event) headers = await buildUnsubscribeHeaders(deps, delivery.userId, event.routedAs, ctx.settings.mailTo);
    }
    return sendMail(deps, ctx.settings, target.to, content, ctx.signal, headers);
  },

  async sendTest(deps, { settings, event, context, render }, target) {
    const to = (target.to ?? settings.mailTo).trim();
    if (!to) return { ok: false, message: 'No address to send to: set "mail notifications to" or give an address.' };
    const outcome = await sendMail(deps, settings, to, renderMail(event, context, render));
    return toTestResult(
      outcome,
      `A test email was sent to ${to}${outcome.ok && outcome.detail ? ` (server said: ${outcome.detail})` : ''}.`,
    );
  },

  async describeDestination(deps, row, settings) {
    if (row.targetKind === 'system') return `the system email address${settings.mailTo ? ` (${settings.mailTo})` : ''}`;
    if (row.targetKind === 'destination') return describeDestinationRow(deps, row);
    if (row.targetKind !== 'user') return describeOtherDestination(deps, row);
    const user = await findUserTarget(deps, row.userId);
    return `${user?.username ?? `user ${row.userId}`}'s email${user ? ` (${user.email})` : ''}`;
  },

  findConfigProblems(settings) {
    const problems = findSmtpProblems(settings);
    if (!settings.mailTo.trim()) problems.push(`${NO_SYSTEM_ADDRESS}: system notifications by email cannot be sent.`);
    return problems;
  },

  leaseMs: () => MAIL_SEND_TIMEOUT_MS + LEASE_MARGIN_MS,
};

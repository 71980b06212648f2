/**
 * The mail channel: email over SMTP with nodemailer (one transport per distinct SMTP configuration), to the
 * system address or to a user's login email.
 */
import nodemailer, { type Transporter } from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport';
import { clip, permanent, type TSendOutcome, transient } from '../outcome';
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

function fingerprintOf(s: TSmtpSettings): string {
  return JSON.stringify([s.smtpHost, s.smtpPort, s.smtpTlsMode, s.smtpUser, s.smtpPassword]);
}

/** The transport for these settings, created on first use and reused while they stay the same. */
export function getMailTransport(s: TSmtpSettings): Transporter<SMTPTransport.SentMessageInfo> {
  const key = fingerprintOf(s);
  let transport = transports.get(key);
  if (!transport) {
    // Settings changed: the old transports are of no more use.
    for (const old of transports.values()) old.close();
    transports.clear();
    const options: SMTPTransport.Options = {
      host: s.smtpHost,
      port: s.smtpPort,
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
  return problems;
}

/** The first reason no mail can be sent with these settings, or null when they are complete. */
export function findMailConfigProblem(s: TSystemSettings): string | null {
  return findSmtpProblems(s)[0] ?? null;
}

const NO_SYSTEM_ADDRESS = 'No system email address is set (System Settings → mail notifications to)';

type TSmtpError = Error & { code?: string; responseCode?: number; response?: string; command?: string };

/** SMTP 5xx (rejected recipient, refused message, failed login) is permanent; 4xx and network trouble are transient. */
export function classifySmtpError(err: unknown): TSendOutcome {
  const e = err as TSmtpError;
  const code = typeof e?.responseCode === 'number' ? e.responseCode : undefined;
  const detail = clip(e?.response || e?.message || String(err), 300);
  if (code !== undefined && code >= 500)
    return permanent(`The SMTP server refused the message (${code}): ${detail}`, { responseCode: code });
  if (code !== undefined && code >= 400)
    return transient(`The SMTP server deferred the message (${code}): ${detail}`, { responseCode: code });
  if (e?.code === 'EAUTH') return permanent(`SMTP login failed: ${detail}`);
  if (e?.code === 'ETLS') return permanent(`TLS with the SMTP server failed (check the TLS mode in System Settings): ${detail}`);
  if (e?.code === 'EENVELOPE' || e?.code === 'EMESSAGE') return permanent(`The message could not be sent: ${detail}`);
  return transient(`Could not talk to the SMTP server${e?.code ? ` (${e.code})` : ''}: ${detail}`);
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

export async function sendMail(settings: TSystemSettings, to: string, content: TMailContent, signal?: AbortSignal): Promise<TSendOutcome> {
  const problem = findMailConfigProblem(settings);
  if (problem) return permanent(problem);
  const transport = getMailTransport(settings);
  const send = transport
    .sendMail({
      from: { name: settings.teamName, address: settings.mailFrom },
      to,
      subject: content.subject,
      text: content.text,
      html: content.html,
      headers: { 'Auto-Submitted': 'auto-generated' },
    })
    .then((info): TSendOutcome => {
      const code = Number.parseInt(String(info.response ?? '').slice(0, 3), 10);
      if (info.rejected.length > 0 && info.accepted.length === 0) {
        return permanent(`The SMTP server rejected ${to}: ${clip(String(info.response ?? ''))}`, {
          responseCode: Number.isNaN(code) ? undefined : code,
        });
      }
      return { ok: true, responseCode: Number.isNaN(code) ? undefined : code, detail: clip(String(info.response ?? '')) };
    }, classifySmtpError);
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

  send: (_deps, { target, content }, ctx) => sendMail(ctx.settings, target.to, content, ctx.signal),

  async sendTest(_deps, { settings, event, context, render }, target) {
    const to = (target.to ?? settings.mailTo).trim();
    if (!to) return { ok: false, message: 'No address to send to: set "mail notifications to" or give an address.' };
    const outcome = await sendMail(settings, to, renderMail(event, context, render));
    return toTestResult(
      outcome,
      `A test email was sent to ${to}${outcome.ok && outcome.detail ? ` (server said: ${outcome.detail})` : ''}.`,
    );
  },

  async describeDestination(deps, row, settings) {
    if (row.targetKind === 'system') return `the system email address${settings.mailTo ? ` (${settings.mailTo})` : ''}`;
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

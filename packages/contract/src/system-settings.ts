/**
 * System Settings: the switches and connections of the external channels (mail, Slack, Teams, webhooks).
 * Secrets (Slack token, SMTP password, the Teams Workflows webhook URL) are write-only: answers say whether one
 * is set, never its value.
 */
import { z } from 'zod';
import type { EXTERNAL_CHANNELS } from './catalogue';
import { isEmailAddress, ZMailboxText } from './mailbox';
import { HEADER_VALUE_MESSAGE, isHeaderValue, isSecretText, isUrlText, SECRET_TEXT_MESSAGE, ZDescription, ZPlainLine } from './plain-text';

export const SMTP_TLS_MODES = ['none', 'starttls', 'tls'] as const;
export const ZSmtpTlsMode = z.enum(SMTP_TLS_MODES);
export type TSmtpTlsMode = z.infer<typeof ZSmtpTlsMode>;
export const SMTP_TLS_MODE_LABELS: Record<TSmtpTlsMode, string> = {
  none: 'None (plain SMTP)',
  starttls: 'STARTTLS',
  tls: 'TLS (implicit, e.g. port 465)',
};

/** SMTP fields the server's environment (SMTP_HOST, SMTP_PORT, ...) may supply; those win over the page. */
export const SMTP_ENV_FIELDS = ['smtp_host', 'smtp_port', 'smtp_tls_mode', 'smtp_user', 'smtp_password'] as const;
export type TSmtpEnvField = (typeof SMTP_ENV_FIELDS)[number];

export const WEBHOOK_TIMEOUT_LIMITS = { min: 1, max: 120, default: 10 } as const;
export const DISCLAIMER_MAX_LENGTH = 3000;

/** GET /api/system-settings (superusers). SMTP values are the effective ones (environment applied). */
export const ZSystemSettings = z.object({
  mail_enabled: z.boolean(),
  /** The system address: where system-wide mail notifications go. */
  mail_to: z.string(),
  mail_from: z.string(),
  /** Used in mail subjects. */
  team_name: z.string(),
  smtp_host: z.string(),
  smtp_port: z.number().int(),
  smtp_tls_mode: ZSmtpTlsMode,
  smtp_user: z.string(),
  smtp_password_set: z.boolean(),
  /** SMTP fields set by the server's environment; the page shows them read-only. */
  smtp_env_overrides: z.array(z.enum(SMTP_ENV_FIELDS)),
  slack_enabled: z.boolean(),
  slack_token_set: z.boolean(),
  slack_channel: z.string(),
  slack_username: z.string(),
  msteams_enabled: z.boolean(),
  /** The Teams Workflows webhook URL is a credential (its sig= parameter): only whether one is set. */
  msteams_url_set: z.boolean(),
  webhooks_enabled: z.boolean(),
  webhooks_timeout_seconds: z.number().int(),
  disclaimer: z.string(),
  /** Mail, Slack and Teams carry only the title and a link to Tocsin, no finding details (webhooks are unchanged). */
  confidential_mode: z.boolean(),
  /** Events with the same dedupe key within this many seconds update one alert and send once (0: no coalescing). */
  coalesce_window_seconds: z.number().int(),
  /** Per external channel: how many events of the System notifications matrix select it. */
  system_event_counts: z.object({
    mail: z.number().int(),
    slack: z.number().int(),
    msteams: z.number().int(),
    webhooks: z.number().int(),
  }) satisfies z.ZodType<Record<(typeof EXTERNAL_CHANNELS)[number], number>>,
  updated_at: z.string(),
});
export type TSystemSettings = z.infer<typeof ZSystemSettings>;

/** The coalescing window: 0 (off) to one day. */
export const COALESCE_WINDOW_LIMITS = { min: 0, max: 86_400 } as const;

type TParsedUrl = { protocol: string; hostname: string };
// The contract compiles without DOM or Node types; both runtimes have the WHATWG URL class.
const UrlClass = (globalThis as unknown as { URL: new (value: string) => TParsedUrl }).URL;

/** The URL's protocol and host name, or null when it does not parse. */
export function parseHttpUrl(value: string): TParsedUrl | null {
  try {
    const url = new UrlClass(value);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url : null;
  } catch {
    return null;
  }
}

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * Teams posts leave the machine, so they must be https; plain http only to this machine (test stand-ins, which
 * the outbound policy still refuses unless OUTBOUND_ALLOW lists them).
 */
export function isAllowedTeamsUrl(value: string): boolean {
  const url = parseHttpUrl(value);
  if (!url) return false;
  return url.protocol === 'https:' || LOOPBACK_HOSTS.has(url.hostname.toLowerCase());
}

/** One address, local@domain; a single-label domain such as tocsin@localhost is allowed (see isEmailAddress). */
export const isMailbox = isEmailAddress;

const ZEmailAddress = z.string().trim().max(254).refine(isMailbox, 'Enter a valid email address, such as security@example.com');

/** Write-only values: omitted or null keeps the stored value, an empty string clears it. Trimmed first: pasted tokens often end in a newline. */
const ZSecret = (max: number) => z.string().trim().max(max).refine(isSecretText, SECRET_TEXT_MESSAGE).nullable().optional();
/** The Slack token travels in an Authorization header. */
const ZHeaderSecret = (max: number) => z.string().trim().max(max).refine(isHeaderValue, HEADER_VALUE_MESSAGE).nullable().optional();

/** PUT /api/system-settings: a partial update. Fields set by the server's environment may be sent; they take effect only once the variable is unset. */
export const ZUpdateSystemSettingsBody = z
  .object({
    mail_enabled: z.boolean(),
    mail_to: z.union([z.literal(''), ZEmailAddress]),
    /** Sent as the From header. Stored in one canonical form: `Tocsin <tocsin@example.com>`, `"Security, Team" <sec@example.com>`. */
    mail_from: ZMailboxText,
    team_name: ZPlainLine.max(100, 'Use at most 100 characters'),
    smtp_host: z
      .string()
      .trim()
      .max(255)
      .regex(/^[A-Za-z0-9.:[\]_-]*$/, 'Enter a host name or IP address, such as smtp.example.com'),
    smtp_port: z.number().int('Enter a whole number').min(1, 'Use a port from 1 to 65535').max(65535, 'Use a port from 1 to 65535'),
    smtp_tls_mode: ZSmtpTlsMode,
    smtp_user: ZPlainLine.max(255),
    smtp_password: ZSecret(1024),
    slack_enabled: z.boolean(),
    /** The Bot User OAuth Token (xoxb-...). */
    slack_token: ZHeaderSecret(500),
    slack_channel: ZPlainLine.max(100),
    slack_username: ZPlainLine.max(80),
    msteams_enabled: z.boolean(),
    /**
     * The Teams Workflows webhook URL ("When a Teams webhook request is received"). Write-only like a secret:
     * omitted or null keeps the stored URL, an empty string clears it.
     */
    msteams_url: z
      .string()
      .trim()
      .max(2000)
      .refine(isUrlText, 'Remove the spaces, line breaks and control characters from the URL')
      .refine((v) => v === '' || isAllowedTeamsUrl(v), 'Enter the https:// URL of the Teams Workflows webhook')
      .nullable()
      .optional(),
    webhooks_enabled: z.boolean(),
    webhooks_timeout_seconds: z
      .number()
      .int('Enter a whole number of seconds')
      .min(WEBHOOK_TIMEOUT_LIMITS.min, `Use ${WEBHOOK_TIMEOUT_LIMITS.min} to ${WEBHOOK_TIMEOUT_LIMITS.max} seconds`)
      .max(WEBHOOK_TIMEOUT_LIMITS.max, `Use ${WEBHOOK_TIMEOUT_LIMITS.min} to ${WEBHOOK_TIMEOUT_LIMITS.max} seconds`),
    disclaimer: ZDescription.max(DISCLAIMER_MAX_LENGTH, `Use at most ${DISCLAIMER_MAX_LENGTH} characters`),
    confidential_mode: z.boolean(),
    coalesce_window_seconds: z
      .number()
      .int('Enter a whole number of seconds')
      .min(
        COALESCE_WINDOW_LIMITS.min,
        `Use ${COALESCE_WINDOW_LIMITS.min} to ${COALESCE_WINDOW_LIMITS.max} seconds (0 turns coalescing off)`,
      )
      .max(
        COALESCE_WINDOW_LIMITS.max,
        `Use ${COALESCE_WINDOW_LIMITS.min} to ${COALESCE_WINDOW_LIMITS.max} seconds (0 turns coalescing off)`,
      ),
  })
  .partial()
  .strict();
export type TUpdateSystemSettingsBody = z.input<typeof ZUpdateSystemSettingsBody>;

export const TEST_CHANNELS = ['mail', 'slack', 'msteams', 'webhooks'] as const;
export const ZTestChannel = z.enum(TEST_CHANNELS);
export type TTestChannel = z.infer<typeof ZTestChannel>;

/** POST /api/system-settings/test/:channel. `to` sends the mail test elsewhere than the system address. */
export const ZSendTestBody = z.object({ to: ZEmailAddress.optional() }).strict();
export type TSendTestBody = z.infer<typeof ZSendTestBody>;

/** The outcome of a test notification or a webhook ping; `message` carries the provider's error on failure. */
export const ZTestResult = z.object({
  ok: z.boolean(),
  message: z.string(),
  response_code: z.number().int().nullable(),
});
export type TTestResult = z.infer<typeof ZTestResult>;

/** The Slack App Manifest to paste into https://api.slack.com/apps ("From App Manifest"). */
export const SLACK_APP_MANIFEST = {
  _metadata: { major_version: 1, minor_version: 1 },
  display_information: {
    name: 'Tocsin',
    description: 'Notifications from Tocsin, the notification center for security teams.',
    background_color: '#0000AA',
  },
  features: { bot_user: { display_name: 'Tocsin Notifications' } },
  oauth_config: {
    scopes: { bot: ['chat:write', 'chat:write.customize', 'chat:write.public', 'incoming-webhook', 'users:read', 'users:read.email'] },
    redirect_urls: ['https://slack.com/oauth/v2/authorize'],
  },
} as const;

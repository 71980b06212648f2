/**
 * The From of system mail. mail_from is stored as a mailbox (`Tocsin <tocsin@example.com>` or a bare
 * address); the mailer needs its parts, or it takes the whole text for the address and sends
 * `From: Tocsin <"Tocsin  tocsin"@example.com>`. A bare address is sent under the team name.
 */
import { parseMailbox, type TParsedMailbox } from '@tocsin/contract/mailbox';
import { toInlineText } from '@tocsin/contract/plain-text';

/** { name, address } for nodemailer's `from`, or why the stored value cannot be used (values saved before it was validated). */
export function toMailFrom(mailFrom: string, teamName: string): TParsedMailbox {
  const parsed = parseMailbox(mailFrom);
  if (!parsed.ok) return { ok: false, message: `The sender address in System Settings is not valid: ${parsed.message}` };
  return { ok: true, mailbox: { name: parsed.mailbox.name || toInlineText(teamName), address: parsed.mailbox.address } };
}

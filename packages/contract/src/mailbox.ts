/**
 * One mail address with an optional display name, as in a From header (RFC 5322 §3.4 mailbox):
 * `tocsin@example.com`, `Tocsin <tocsin@example.com>` or `"Security, Team" <sec@example.com>`.
 * Parsed into its parts so the sender never mistakes the whole text for the address (which once sent
 * `From: Tocsin <"Tocsin  tocsin"@example.com>`), and formatted back with the name quoted when needed.
 */
import { z } from 'zod';
import { findPlainTextProblem, toInlineText } from './plain-text';

export type TMailbox = {
  /** The display name, unquoted and unescaped; '' when there is none. */
  name: string;
  address: string;
};

// RFC 5322 atext: what an unquoted word may hold. Deliberately ASCII in the address.
const ATEXT = "A-Za-z0-9!#$%&'*+/=?^_`{|}~-";
const LOCAL_PART = new RegExp(`^[${ATEXT}]+(?:\\.[${ATEXT}]+)*$`);
const DOMAIN_LABEL = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;

/**
 * local@domain with a dot-atom local part and a host name. A single-label domain such as
 * tocsin@localhost (the default sender) is valid on an internal mail relay, so no dot is required.
 */
export function isEmailAddress(value: string): boolean {
  if (value.length > 254) return false;
  const at = value.lastIndexOf('@');
  if (at < 1) return false;
  const local = value.slice(0, at);
  const domain = value.slice(at + 1);
  return local.length <= 64 && LOCAL_PART.test(local) && domain.split('.').every((label) => DOMAIN_LABEL.test(label));
}

/** Characters RFC 5322 calls specials: a display name holding one must be a quoted string. */
const SPECIALS = /[()<>[\]:;@\\,."]/;
const EXAMPLE = 'such as tocsin@example.com or Tocsin <tocsin@example.com>';

export type TParsedMailbox = { ok: true; mailbox: TMailbox } | { ok: false; message: string };

function parseDisplayName(display: string): { ok: true; name: string } | { ok: false; message: string } {
  if (display === '') return { ok: true, name: '' };
  if (display.startsWith('"')) {
    let name = '';
    for (let i = 1; i < display.length; i++) {
      const ch = display[i];
      if (ch === '\\' && i + 1 < display.length) {
        name += display[++i];
      } else if (ch === '"') {
        if (i !== display.length - 1) break;
        return { ok: true, name: toInlineText(name) };
      } else {
        name += ch;
      }
    }
    return { ok: false, message: 'End the quoted name with a double quote just before the <address>' };
  }
  if (SPECIALS.test(display.replace(/\./g, ''))) {
    return {
      ok: false,
      message: 'Put the name in double quotes when it contains , ; : @ ( ) [ ] \\ or ", such as "Security, Team" <sec@example.com>',
    };
  }
  // A dot is allowed unquoted on input (RFC 5322 obs-phrase, as in `Tocsin Inc. <…>`); formatMailbox quotes it.
  return { ok: true, name: toInlineText(display) };
}

/** Parses a mailbox as people type it; the message says what to fix. */
export function parseMailbox(value: string): TParsedMailbox {
  const problem = findPlainTextProblem(value);
  if (problem) return { ok: false, message: problem };
  const text = value.trim();
  if (text === '') return { ok: false, message: `Enter an address ${EXAMPLE}` };
  let display = '';
  let address = text;
  if (text.endsWith('>')) {
    const open = text.lastIndexOf('<');
    if (open < 0) return { ok: false, message: `Enter an address ${EXAMPLE}` };
    display = text.slice(0, open).trim();
    address = text.slice(open + 1, -1).trim();
  } else if (/[<>]/.test(text)) {
    return { ok: false, message: `Put the address in angle brackets at the end, ${EXAMPLE}` };
  }
  if (!isEmailAddress(address)) return { ok: false, message: `"${address}" is not a valid email address; use one ${EXAMPLE}` };
  const name = parseDisplayName(display);
  if (!name.ok) return name;
  return { ok: true, mailbox: { name: name.name, address } };
}

/**
 * The mailbox as an RFC 5322 header value: the bare address without a name, `Name <address>` when the
 * name is plain words, `"Name, with \"specials\"" <address>` otherwise. Non-ASCII names stay UTF-8
 * (RFC 6532); a mailer such as nodemailer encodes them for 7-bit transports. The name is reduced to
 * one inline line first, so no input can break the header; an invalid address throws (validate first).
 */
export function formatMailbox({ name, address }: TMailbox): string {
  if (!isEmailAddress(address)) throw new Error(`formatMailbox: "${address}" is not a valid email address`);
  const display = toInlineText(name);
  if (display === '') return address;
  if (!SPECIALS.test(display)) return `${display} <${address}>`;
  return `"${display.replace(/[\\"]/g, '\\$&')}" <${address}>`;
}

/** A mailbox field: accepts what parseMailbox accepts and yields its parts. */
export const ZMailbox = z
  .string()
  .max(320, 'Use at most 320 characters')
  .transform((value, ctx): TMailbox => {
    const parsed = parseMailbox(value);
    if (parsed.ok) return parsed.mailbox;
    ctx.addIssue({ code: 'custom', message: parsed.message });
    return z.NEVER;
  });

/** A mailbox field stored as text: validated, then written back in one canonical, header-safe form. */
export const ZMailboxText = ZMailbox.transform(formatMailbox);

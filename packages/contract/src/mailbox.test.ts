import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatMailbox, isEmailAddress, parseMailbox, type TMailbox, ZMailbox, ZMailboxText } from './mailbox';
import { toInlineText } from './plain-text';

describe('parseMailbox', () => {
  const accepted: { input: string; mailbox: TMailbox }[] = [
    { input: 'tocsin@example.com', mailbox: { name: '', address: 'tocsin@example.com' } },
    { input: '  tocsin@localhost  ', mailbox: { name: '', address: 'tocsin@localhost' } },
    // What the form suggests, and what once became `From: Tocsin <"Tocsin  tocsin"@example.com>`.
    { input: 'Tocsin <tocsin@example.com>', mailbox: { name: 'Tocsin', address: 'tocsin@example.com' } },
    { input: '<tocsin@example.com>', mailbox: { name: '', address: 'tocsin@example.com' } },
    { input: 'Security   Team<sec@example.com>', mailbox: { name: 'Security Team', address: 'sec@example.com' } },
    { input: '"Security, Team" <sec@example.com>', mailbox: { name: 'Security, Team', address: 'sec@example.com' } },
    { input: '"Say \\"hi\\" \\\\ bye" <a@example.com>', mailbox: { name: 'Say "hi" \\ bye', address: 'a@example.com' } },
    { input: '"" <a@example.com>', mailbox: { name: '', address: 'a@example.com' } },
    { input: '"Tocsin <alerts>" <a@example.com>', mailbox: { name: 'Tocsin <alerts>', address: 'a@example.com' } },
    { input: 'Tocsin Inc. <a@example.com>', mailbox: { name: 'Tocsin Inc.', address: 'a@example.com' } },
    { input: 'Sécurité Équipe <a@example.com>', mailbox: { name: 'Sécurité Équipe', address: 'a@example.com' } },
    { input: "o'brien+alerts@mail.example.co.uk", mailbox: { name: '', address: "o'brien+alerts@mail.example.co.uk" } },
  ];
  for (const { input, mailbox } of accepted) {
    it(`accepts ${input}`, () => expect(parseMailbox(input)).toEqual({ ok: true, mailbox }));
  }

  const refused: { input: string; message: RegExp; why: string }[] = [
    { input: 'Tocsin <tocsin@example.com>\r\nBcc: all@example.com', message: /one line/, why: 'header injection' },
    { input: 'Tocsin\u202E <a@example.com>', message: /text-direction/, why: 'a direction override in the name' },
    { input: 'a@example.com\u0000', message: /control character/, why: 'a NUL' },
    { input: '', message: /Enter an address/, why: 'empty' },
    { input: 'Tocsin', message: /not a valid email address/, why: 'a name without address' },
    { input: 'Tocsin tocsin@example.com', message: /not a valid email address/, why: 'no angle brackets' },
    { input: 'Tocsin <tocsin@example.com> extra', message: /angle brackets at the end/, why: 'text after the address' },
    { input: 'Security, Team <sec@example.com>', message: /double quotes/, why: 'an unquoted comma' },
    { input: 'a@b <c@example.com>', message: /double quotes/, why: 'an unquoted @' },
    { input: '"Tocsin <a@example.com>', message: /not a valid email address|closing|End the quoted name/, why: 'an open quote' },
    { input: '"Tocsin" x <a@example.com>', message: /End the quoted name/, why: 'text after the quoted name' },
    { input: 'Tocsin <"tocsin"@example.com>', message: /not a valid email address/, why: 'a quoted local part' },
    { input: 'Tocsin <tocsin@exa mple.com>', message: /not a valid email address/, why: 'a space in the domain' },
    { input: 'Tocsin <tocsin@example..com>', message: /not a valid email address/, why: 'an empty domain label' },
    { input: 'Tocsin <tocsin@-example.com>', message: /not a valid email address/, why: 'a label starting with -' },
    { input: 'Tocsin <.tocsin@example.com>', message: /not a valid email address/, why: 'a local part starting with a dot' },
    { input: 'Tocsin <a@b@example.com>', message: /not a valid email address/, why: 'two @' },
    { input: 'Tocsin <<a@example.com>>', message: /not a valid email address/, why: 'nested brackets' },
  ];
  for (const { input, message, why } of refused) {
    it(`refuses ${why}`, () => {
      const parsed = parseMailbox(input);
      expect(parsed.ok).toBe(false);
      if (!parsed.ok) expect(parsed.message).toMatch(message);
    });
  }
});

describe('formatMailbox', () => {
  const cases: [TMailbox, string][] = [
    [{ name: '', address: 'tocsin@example.com' }, 'tocsin@example.com'],
    [{ name: 'Tocsin', address: 'tocsin@example.com' }, 'Tocsin <tocsin@example.com>'],
    [{ name: 'Security Team', address: 'sec@example.com' }, 'Security Team <sec@example.com>'],
    [{ name: 'Security, Team', address: 'sec@example.com' }, '"Security, Team" <sec@example.com>'],
    [{ name: 'Tocsin Inc.', address: 'a@example.com' }, '"Tocsin Inc." <a@example.com>'],
    [{ name: 'Say "hi" \\ bye', address: 'a@example.com' }, '"Say \\"hi\\" \\\\ bye" <a@example.com>'],
    [{ name: 'Sécurité', address: 'a@example.com' }, 'Sécurité <a@example.com>'],
    [{ name: 'Evil\r\nBcc: x@example.com', address: 'a@example.com' }, '"Evil Bcc: x@example.com" <a@example.com>'],
    [{ name: '  ', address: 'a@example.com' }, 'a@example.com'],
  ];
  for (const [mailbox, header] of cases) it(`formats ${JSON.stringify(mailbox.name)}`, () => expect(formatMailbox(mailbox)).toBe(header));

  it('refuses to format an invalid address', () => {
    expect(() => formatMailbox({ name: 'x', address: 'a@b>\r\nBcc: c@d' })).toThrow(/not a valid email address/);
  });

  it('round-trips any display name through format and parse', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 40 }), (rawName) => {
        const mailbox = { name: rawName, address: 'tocsin@example.com' };
        const header = formatMailbox(mailbox);
        expect(header).not.toMatch(/[\r\n]/);
        const parsed = parseMailbox(header);
        expect(parsed.ok).toBe(true);
        if (parsed.ok) expect(parsed.mailbox).toEqual({ name: toInlineText(rawName), address: 'tocsin@example.com' });
      }),
    );
  });
});

describe('isEmailAddress', () => {
  it('allows a single-label domain (the default sender) and limits lengths', () => {
    expect(isEmailAddress('tocsin@localhost')).toBe(true);
    expect(isEmailAddress(`${'a'.repeat(64)}@example.com`)).toBe(true);
    expect(isEmailAddress(`${'a'.repeat(65)}@example.com`)).toBe(false);
    expect(isEmailAddress(`a@${'b'.repeat(64)}.com`)).toBe(false);
  });
});

describe('ZMailbox and ZMailboxText', () => {
  it('yields the parts, or the canonical header text', () => {
    expect(ZMailbox.parse('Tocsin <tocsin@example.com>')).toEqual({ name: 'Tocsin', address: 'tocsin@example.com' });
    expect(ZMailboxText.parse('  Tocsin   <tocsin@example.com> ')).toBe('Tocsin <tocsin@example.com>');
    expect(ZMailboxText.parse('"Security, Team"<sec@example.com>')).toBe('"Security, Team" <sec@example.com>');
  });

  it('explains what to fix', () => {
    expect(ZMailboxText.safeParse('Security, Team <sec@example.com>').error?.issues[0]?.message).toMatch(/double quotes/);
  });
});

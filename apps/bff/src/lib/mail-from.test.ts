import MailComposer from 'nodemailer/lib/mail-composer';
import { describe, expect, it } from 'vitest';
import { toMailFrom } from './mail-from';

/** The From header nodemailer writes for a `from` option. */
async function buildFromHeader(from: { name: string; address: string }): Promise<string> {
  const message = await new MailComposer({ from, to: 'security@example.com', subject: 's', text: 't' }).compile().build();
  return message
    .toString()
    .split('\r\n')
    .find((line) => line.startsWith('From:')) as string;
}

describe('toMailFrom', () => {
  const cases: { stored: string; teamName: string; header: string }[] = [
    // The bug: this stored value was passed whole as the address.
    { stored: 'Tocsin <tocsin@example.com>', teamName: 'Tocsin', header: 'From: Tocsin <tocsin@example.com>' },
    { stored: 'tocsin@example.com', teamName: 'Security Team', header: 'From: Security Team <tocsin@example.com>' },
    { stored: '"Security, Team" <sec@example.com>', teamName: 'x', header: 'From: "Security, Team" <sec@example.com>' },
    { stored: 'Sécurité <sec@example.com>', teamName: 'x', header: 'From: =?UTF-8?Q?S=C3=A9curit=C3=A9?= <sec@example.com>' },
    {
      stored: 'tocsin@localhost',
      teamName: 'Team\r\nBcc: all@example.com',
      header: 'From: "Team Bcc: all@example.com" <tocsin@localhost>',
    },
  ];
  for (const { stored, teamName, header } of cases) {
    it(`sends ${stored} as ${header}`, async () => {
      const from = toMailFrom(stored, teamName);
      expect(from.ok).toBe(true);
      if (from.ok) expect(await buildFromHeader(from.mailbox)).toBe(header);
    });
  }

  it('says why a value saved before validation cannot be used', () => {
    expect(toMailFrom('Security, Team <sec@example.com>', 'x')).toEqual({
      ok: false,
      message: expect.stringMatching(/^The sender address in System Settings is not valid: Put the name in double quotes/),
    });
  });
});

/**
 * A real SMTP server on 127.0.0.1 (port 0) that keeps what it receives, for tests of the mail channel.
 * `rejectRecipients` answers 550 for those addresses; `deferRecipients` answers 451 (try again later).
 */
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { parseMail, type TParsedMail } from './mime';

export type TReceivedMail = TParsedMail & { envelopeFrom: string; envelopeTo: string[]; raw: string };

export type TSmtpReceiver = {
  port: number;
  messages: TReceivedMail[];
  rejectRecipients: Set<string>;
  deferRecipients: Set<string>;
  /** Resolves once `count` messages have arrived in total. */
  waitForMessages(count: number, timeoutMs?: number): Promise<TReceivedMail[]>;
  close(): Promise<void>;
};

export async function startSmtpReceiver(opts: { rejectRecipients?: string[]; deferRecipients?: string[] } = {}): Promise<TSmtpReceiver> {
  const messages: TReceivedMail[] = [];
  const rejectRecipients = new Set((opts.rejectRecipients ?? []).map((a) => a.toLowerCase()));
  const deferRecipients = new Set((opts.deferRecipients ?? []).map((a) => a.toLowerCase()));
  const waiters: { count: number; resolve: () => void }[] = [];

  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onRcptTo(address, _session, callback) {
      const addr = address.address.toLowerCase();
      if (rejectRecipients.has(addr)) {
        const err = Object.assign(new Error(`5.1.1 <${address.address}>: Recipient address rejected: User unknown`), { responseCode: 550 });
        return callback(err);
      }
      if (deferRecipients.has(addr)) {
        const err = Object.assign(new Error(`4.2.0 <${address.address}>: Mailbox busy, try again later`), { responseCode: 451 });
        return callback(err);
      }
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        messages.push({
          ...parseMail(raw),
          envelopeFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          envelopeTo: session.envelope.rcptTo.map((r) => r.address),
          raw,
        });
        for (const w of [...waiters]) {
          if (messages.length >= w.count) {
            waiters.splice(waiters.indexOf(w), 1);
            w.resolve();
          }
        }
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;

  return {
    port,
    messages,
    rejectRecipients,
    deferRecipients,
    waitForMessages(count, timeoutMs = 5000) {
      if (messages.length >= count) return Promise.resolve(messages);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`expected ${count} mails, got ${messages.length}`)), timeoutMs);
        waiters.push({
          count,
          resolve: () => {
            clearTimeout(timer);
            resolve(messages);
          },
        });
      });
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

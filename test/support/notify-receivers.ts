/**
 * Real receivers for notification tests: an SMTP server (smtp-server) keeping every mail it is
 * given, and an HTTP server standing in for a webhook consumer, which checks each delivery's
 * signature the way docs/notifications.md tells consumers to and answers what the test tells it to.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface CaughtMail {
  to: string[];
  headers: Record<string, string>;
  subject: string;
  text: string;
  at: number;
}

/** Headers (unfolded, names in lower case) and the plain-text body, quoted-printable decoded. */
export function parseMail(raw: string): { headers: Record<string, string>; text: string } {
  const split = raw.indexOf('\r\n\r\n');
  const head = raw.slice(0, split).replace(/\r\n[ \t]+/g, ' ');
  const headers: Record<string, string> = {};
  for (const line of head.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
  }
  let body = raw.slice(split + 4);
  if (/quoted-printable/i.test(headers['content-transfer-encoding'] ?? '')) body = decodeQuotedPrintable(body);
  return { headers, text: body.replace(/\r\n/g, '\n').trimEnd() };
}

function decodeQuotedPrintable(text: string): string {
  const soft = text.replace(/=\r\n/g, '');
  const bytes: number[] = [];
  for (let i = 0; i < soft.length; i++) {
    const hex = soft.slice(i + 1, i + 3);
    if (soft[i] === '=' && /^[0-9A-F]{2}$/.test(hex)) {
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else bytes.push(...Buffer.from(soft[i] as string, 'utf8'));
  }
  return Buffer.from(bytes).toString('utf8');
}

export interface SmtpReceiver {
  url: string;
  mails: CaughtMail[];
  /** Recipients refused with 550 (a mailbox that does not exist). */
  refuse: Set<string>;
  stop(): Promise<void>;
}

export async function startSmtpReceiver(): Promise<SmtpReceiver> {
  const mails: CaughtMail[] = [];
  const refuse = new Set<string>();
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    logger: false,
    onRcptTo(address, _session, callback) {
      if (refuse.has(address.address)) {
        const err = Object.assign(new Error(`mailbox ${address.address} unavailable`), { responseCode: 550 });
        return callback(err);
      }
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const { headers, text } = parseMail(Buffer.concat(chunks).toString('utf8'));
        mails.push({ to: session.envelope.rcptTo.map((r) => r.address), headers, subject: headers.subject ?? '', text, at: Date.now() });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.server.address() as AddressInfo;
  return { url: `smtp://127.0.0.1:${port}`, mails, refuse, stop: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

export interface WebhookCall {
  /** The path and query called (a test may give each sender its own, to tell who delivered). */
  url: string;
  headers: IncomingHttpHeaders;
  raw: string;
  body: any;
  /** Whether X-OneStop-Signature is the HMAC-SHA256 of the raw body under the shared secret. */
  signatureValid: boolean;
  status: number;
  at: number;
}

export interface WebhookReceiver {
  url: string;
  calls: WebhookCall[];
  /** What to answer to a call (default 204); may wait, to stand in for a slow consumer. */
  answer: (body: any, calls: WebhookCall[]) => number | Promise<number>;
  stop(): Promise<void>;
}

/** The consumer's check, as docs/notifications.md shows it: constant-time comparison of the hex HMAC. */
export function verifySignature(secret: string, rawBody: string, header: string | undefined): boolean {
  const expected = Buffer.from(`sha256=${createHmac('sha256', secret).update(rawBody).digest('hex')}`);
  const given = Buffer.from(header ?? '');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export async function startWebhookReceiver(secret: string): Promise<WebhookReceiver> {
  const receiver: WebhookReceiver = { url: '', calls: [], answer: () => 204, stop: async () => {} };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const header = req.headers['x-onestop-signature'];
      const call: WebhookCall = {
        url: req.url ?? '',
        headers: req.headers,
        raw,
        body: JSON.parse(raw),
        signatureValid: verifySignature(secret, raw, typeof header === 'string' ? header : undefined),
        status: 0,
        at: Date.now(),
      };
      receiver.calls.push(call);
      call.status = call.signatureValid ? await receiver.answer(call.body, receiver.calls) : 401;
      res.statusCode = call.status;
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/onestop`;
  receiver.stop = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return receiver;
}

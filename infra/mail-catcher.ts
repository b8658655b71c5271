/**
 * A local SMTP server that keeps every mail it receives as an .eml file (`data/mail/` under
 * `npm start`), so that a local install's notification mails can be read without a mail server.
 * Loopback only, no authentication, no TLS: it is for one machine, never for production. The mails
 * carry applicants' addresses and case texts: the directory is 0700 and each file 0600 (whatever the
 * umask), so that other users of the machine cannot read them.
 */
import { chmodSync, createWriteStream, mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { SMTPServer } from 'smtp-server';
import type { Logger } from 'pino';

export interface MailCatcher {
  /** What SMTP_URL should say to send here. */
  url: string;
  dir: string;
  stop(): Promise<void>;
}

export async function startMailCatcher(opts: { dir: string; port?: number; logger?: Logger }): Promise<MailCatcher> {
  // mkdir's mode applies only to a directory it creates (and the umask narrows it): chmod one that was there.
  mkdirSync(opts.dir, { recursive: true, mode: 0o700 });
  chmodSync(opts.dir, 0o700);
  let serial = 0;
  const server = new SMTPServer({
    banner: 'OneStop local mail catcher',
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    size: 10 * 1024 * 1024,
    logger: false,
    onData(stream, session, callback) {
      const to = session.envelope.rcptTo.map((r) => r.address);
      // Sortable by arrival: the time, then a counter for mails within the same millisecond. Always a
      // new file (`wx`): the mode is set only when a file is created, and a name is never reused.
      const file = path.join(opts.dir, `${new Date().toISOString().replace(/[:.]/g, '-')}-${String(++serial).padStart(4, '0')}.eml`);
      pipeline(stream, createWriteStream(file, { mode: 0o600, flags: 'wx' })).then(
        () => {
          opts.logger?.debug({ file, recipients: to.length }, 'mail caught');
          callback();
        },
        (err: Error) => callback(err),
      );
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  server.on('error', (err) => opts.logger?.warn({ err }, 'mail catcher error'));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    dir: opts.dir,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * `npm start`: unless SMTP_URL names a mail server, notification mails go to a catcher writing into
 * `<DATA_DIR>/mail/`. Returns the catcher (to stop it and point SMTP_URL at it), or nothing.
 */
export async function localMailCatcher(smtpUrl: string | undefined, dataDir: string, logger: Logger): Promise<MailCatcher | undefined> {
  if (smtpUrl) return undefined;
  const catcher = await startMailCatcher({ dir: path.join(dataDir, 'mail'), logger });
  logger.info({ dir: catcher.dir, smtp: catcher.url }, 'notification mails go to the local mail catcher: one .eml file per mail');
  return catcher;
}

/**
 * The local mail catcher's mails carry applicants' addresses and case texts: only the user running
 * `npm start` may read them. Each .eml file is 0600 and the directory 0700, whatever the umask, and
 * whether the catcher made the directory or found it. Mail is sent over real SMTP with nodemailer.
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import nodemailer from 'nodemailer';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startMailCatcher } from '../../infra/mail-catcher.js';

const mode = (p: string) => statSync(p).mode & 0o777;
let root: string;
let umask: number;

beforeEach(() => {
  root = mkdtempSync(path.join(tmpdir(), 'onestop-mail-mode-'));
  // A permissive umask, as on many desktops: the modes must not depend on it.
  umask = process.umask(0o002);
});
afterEach(() => {
  process.umask(umask);
  rmSync(root, { recursive: true, force: true });
});

async function sendThrough(dir: string): Promise<string[]> {
  const catcher = await startMailCatcher({ dir });
  const transport = nodemailer.createTransport({ url: catcher.url });
  try {
    await transport.sendMail({
      from: 'OneStop <onestop@localhost>',
      to: 'zhang.wei@acme.example',
      subject: 'Supplement requested',
      text: 'Zhang Wei, +86 138 0013 8000: please send the floor plan.',
    });
  } finally {
    transport.close();
    await catcher.stop();
  }
  return readdirSync(dir).map((f) => path.join(dir, f));
}

describe('the local mail catcher keeps its mails private', () => {
  it('creates its directory 0700 and writes each mail 0600', async () => {
    const dir = path.join(root, 'data', 'mail');
    const files = await sendThrough(dir);
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/\.eml$/);
    expect(mode(files[0]!).toString(8)).toBe('600');
    expect(mode(dir).toString(8)).toBe('700');
  });

  it('narrows a directory that was already there to 0700', async () => {
    const dir = path.join(root, 'mail');
    mkdirSync(dir, { mode: 0o755 });
    expect(mode(dir).toString(8)).toBe('755');
    const files = await sendThrough(dir);
    expect(files.map((f) => mode(f).toString(8))).toEqual(['600']);
    expect(mode(dir).toString(8)).toBe('700');
  });
});

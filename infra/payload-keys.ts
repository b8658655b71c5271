/**
 * The payload encryption keys (PAYLOAD_KEYS or PAYLOAD_KEYS_FILE): a list of `id:base64key`
 * entries, separated by commas or new lines, **newest first**. The newest key encrypts every new
 * payload; every listed key decrypts, so a key is rotated by putting a new one in front and keeping
 * the old ones until no open case or archived history needs them.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export interface PayloadKey {
  /** Stored beside each ciphertext (`encryption-key-id`), so the right key is found on decode. */
  id: string;
  /** 32 bytes: AES-256. */
  key: Buffer;
}

const KEY_ID = /^[A-Za-z0-9._-]{1,64}$/;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** Parses a key list; `source` names the variable in error messages. */
export function parsePayloadKeys(text: string, source: string): PayloadKey[] {
  // Lines starting with # are comments (the local key file has one); entries split on commas or lines.
  const entries = text
    .split(/\r?\n/)
    .filter((line) => !line.trim().startsWith('#'))
    .flatMap((line) => line.split(','))
    .map((e) => e.trim())
    .filter((e) => e !== '');
  if (entries.length === 0) throw new Error(`${source}: no keys (expected "id:base64key", newest first)`);
  const keys: PayloadKey[] = [];
  for (const [i, entry] of entries.entries()) {
    const colon = entry.indexOf(':');
    const id = colon > 0 ? entry.slice(0, colon) : '';
    const b64 = colon > 0 ? entry.slice(colon + 1).trim() : '';
    // Never echo the key material itself into an error message (it ends up in logs).
    if (!KEY_ID.test(id)) throw new Error(`${source}: entry ${i + 1} must be "id:base64key" with an id of letters, digits, ".", "_" or "-" (at most 64)`);
    if (!BASE64.test(b64)) throw new Error(`${source}: key "${id}" is not base64`);
    const key = Buffer.from(b64, 'base64');
    if (key.length !== 32) throw new Error(`${source}: key "${id}" is ${key.length} bytes; AES-256 needs 32 (e.g. \`openssl rand -base64 32\`)`);
    if (keys.some((k) => k.id === id)) throw new Error(`${source}: key id "${id}" is listed twice`);
    keys.push({ id, key });
  }
  return keys;
}

export interface PayloadKeySettings {
  PAYLOAD_KEYS?: string;
  PAYLOAD_KEYS_FILE?: string;
}

/** The configured keys, or undefined when neither variable is set. */
export function configuredPayloadKeys(settings: PayloadKeySettings): PayloadKey[] | undefined {
  if (settings.PAYLOAD_KEYS && settings.PAYLOAD_KEYS_FILE) throw new Error('set PAYLOAD_KEYS or PAYLOAD_KEYS_FILE, not both');
  if (settings.PAYLOAD_KEYS) return parsePayloadKeys(settings.PAYLOAD_KEYS, 'PAYLOAD_KEYS');
  if (settings.PAYLOAD_KEYS_FILE) {
    let text: string;
    try {
      text = readFileSync(settings.PAYLOAD_KEYS_FILE, 'utf8');
    } catch (err) {
      throw new Error(`PAYLOAD_KEYS_FILE: cannot read ${settings.PAYLOAD_KEYS_FILE}: ${(err as Error).message}`, { cause: err });
    }
    return parsePayloadKeys(text, `PAYLOAD_KEYS_FILE (${settings.PAYLOAD_KEYS_FILE})`);
  }
  return undefined;
}

/** The keys a production process must have: refusing to start beats writing personal data in clear. */
export function requirePayloadKeys(settings: PayloadKeySettings): PayloadKey[] {
  const keys = configuredPayloadKeys(settings);
  if (!keys) {
    throw new Error(
      'payload encryption keys are required: set PAYLOAD_KEYS ("id:base64key,…", newest first) or PAYLOAD_KEYS_FILE (a file with the same content); ' +
        'generate a key with `echo "k1:$(openssl rand -base64 32)"`',
    );
  }
  return keys;
}

/** A fresh key entry (`id:base64`), the id naming its creation date so rotations stay readable. */
export function newPayloadKeyEntry(now = new Date()): string {
  const id = `k${now.toISOString().slice(0, 10).replaceAll('-', '')}-${randomBytes(3).toString('hex')}`;
  return `${id}:${randomBytes(32).toString('base64')}`;
}

/**
 * For `npm start` only: the local key file under the data folder, created once (mode 0600) and
 * reused on every restart, so cases opened earlier stay readable.
 */
export function ensureLocalPayloadKeyFile(dataDir: string): { file: string; created: boolean } {
  const file = path.join(dataDir, 'payload-keys');
  if (existsSync(file)) return { file, created: false };
  mkdirSync(dataDir, { recursive: true });
  // 'wx' fails if another start created it meanwhile, instead of replacing a key in use.
  writeFileSync(file, `# OneStop payload keys, newest first (id:base64key). Local development only.\n${newPayloadKeyEntry()}\n`, { mode: 0o600, flag: 'wx' });
  chmodSync(file, 0o600);
  return { file, created: true };
}

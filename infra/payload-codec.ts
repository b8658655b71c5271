/**
 * Encrypts every Temporal payload (workflow inputs, update arguments, activity inputs and results,
 * query answers, memos) with AES-256-GCM before it leaves a client or worker, so the Temporal
 * service — its database, the Web UI, `temporal workflow show` — holds only ciphertext of the
 * applicants' personal data. Used as the data converter's payload codec by every client and worker;
 * never imported by workflow code (codecs run outside the workflow sandbox).
 *
 * Format, as in Temporal's encryption sample: the original payload is proto-encoded
 * (`temporal.api.common.v1.Payload`), encrypted, and carried as `iv(12) ‖ ciphertext ‖ tag(16)` in a
 * payload with metadata `encoding: binary/encrypted` and `encryption-key-id: <id>`.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { DataConverter, Payload, PayloadCodec } from '@temporalio/common';
// @temporalio/proto is CommonJS: its namespace is read from the default export at run time.
import proto from '@temporalio/proto';
import type { PayloadKey } from './payload-keys.js';

const ProtoPayload = proto.temporal.api.common.v1.Payload;

export const ENCODING = 'binary/encrypted';
export const KEY_ID_METADATA = 'encryption-key-id';
const IV_BYTES = 12;
const TAG_BYTES = 16;

const utf8 = (s: string) => new TextEncoder().encode(s);
const text = (b: Uint8Array | null | undefined) => (b ? Buffer.from(b).toString('utf8') : undefined);

export class PayloadDecryptionError extends Error {
  override name = 'PayloadDecryptionError';
}

export function isEncrypted(p: Payload): boolean {
  return text(p.metadata?.encoding) === ENCODING;
}

export class AesGcmPayloadCodec implements PayloadCodec {
  private readonly byId: Map<string, Buffer>;
  private readonly current: PayloadKey;

  /** `keys` newest first: the first encrypts, all decrypt. */
  constructor(keys: readonly PayloadKey[]) {
    const [current] = keys;
    if (!current) throw new Error('the payload codec needs at least one key');
    for (const k of keys) if (k.key.length !== 32) throw new Error(`payload key "${k.id}" must be 32 bytes`);
    this.current = current;
    this.byId = new Map(keys.map((k) => [k.id, k.key]));
  }

  get encryptingKeyId(): string {
    return this.current.id;
  }

  async encode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((p) => this.encryptOne(p));
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((p) => this.decryptOne(p));
  }

  private encryptOne(payload: Payload): Payload {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.current.key, iv);
    // The key id is authenticated too: a ciphertext relabelled with another id fails to decrypt.
    cipher.setAAD(utf8(this.current.id));
    const plain = ProtoPayload.encode(payload).finish();
    const data = Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
    return { metadata: { encoding: utf8(ENCODING), [KEY_ID_METADATA]: utf8(this.current.id) }, data };
  }

  private decryptOne(payload: Payload): Payload {
    // Payloads written before encryption was switched on (and the plain saved histories) pass
    // through, so cases opened earlier keep running.
    if (!isEncrypted(payload)) return payload;
    const keyId = text(payload.metadata?.[KEY_ID_METADATA]);
    if (!keyId) throw new PayloadDecryptionError(`encrypted payload without an ${KEY_ID_METADATA} metadata field`);
    const key = this.byId.get(keyId);
    if (!key) {
      throw new PayloadDecryptionError(
        `payload encrypted with key "${keyId}", which is not among the configured keys (${[...this.byId.keys()].join(', ')}); add it to PAYLOAD_KEYS / PAYLOAD_KEYS_FILE`,
      );
    }
    const data = Buffer.from(payload.data ?? new Uint8Array());
    if (data.length < IV_BYTES + TAG_BYTES) throw new PayloadDecryptionError(`encrypted payload (key "${keyId}") is too short`);
    const decipher = createDecipheriv('aes-256-gcm', key, data.subarray(0, IV_BYTES));
    decipher.setAAD(utf8(keyId));
    decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
    let plain: Buffer;
    try {
      plain = Buffer.concat([decipher.update(data.subarray(IV_BYTES, data.length - TAG_BYTES)), decipher.final()]);
    } catch {
      throw new PayloadDecryptionError(`encrypted payload (key "${keyId}") failed authentication: altered, or encrypted with a different key of that id`);
    }
    return ProtoPayload.decode(plain) as Payload;
  }
}

/** The data converter every client and worker is given. */
export function encryptingDataConverter(codec: PayloadCodec): DataConverter {
  return { payloadCodecs: [codec] };
}

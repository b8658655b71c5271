/**
 * One history, readable: every encrypted payload in it decoded with the payload codec. Temporal and
 * the archive both keep histories encoded (the archive's hash chain covers exactly what Temporal
 * recorded), and `handle.fetchHistory()` does not run the codec, so the API decodes here, for the
 * auditor's timeline and raw history alike.
 *
 * It works on the JSON form (as `historyToJSON` writes it and the archive stores it) and finds
 * payloads by shape wherever they sit — inputs, update arguments, results, failures' details,
 * memos, headers — instead of listing every event attribute that may carry one.
 */
import type { PayloadCodec } from '@temporalio/common';
import { historyFromJSON, historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import type { temporal } from '@temporalio/proto';
import { ENCODING } from '../infra/payload-codec.js';
import { payloadFromJson, payloadToJson, type JsonPayload } from '../infra/payload-json.js';

const ENCRYPTED_B64 = Buffer.from(ENCODING).toString('base64');

function isEncryptedJsonPayload(v: unknown): v is JsonPayload {
  if (!v || typeof v !== 'object' || Array.isArray(v)) return false;
  const meta = (v as { metadata?: unknown }).metadata;
  return !!meta && typeof meta === 'object' && (meta as Record<string, unknown>).encoding === ENCRYPTED_B64;
}

/** A decoded deep copy of `history` (proto JSON); payloads that are not encrypted stay as they are. */
export async function decodeHistoryJson<T>(history: T, codecs: readonly PayloadCodec[]): Promise<T> {
  const copy = structuredClone(history);
  const found: { holder: Record<string, unknown> | unknown[]; key: string | number; payload: JsonPayload }[] = [];
  const walk = (node: unknown) => {
    if (!node || typeof node !== 'object') return;
    const entries: [string | number, unknown][] = Array.isArray(node) ? node.map((v, i) => [i, v]) : Object.entries(node);
    for (const [key, value] of entries) {
      if (isEncryptedJsonPayload(value)) found.push({ holder: node as Record<string, unknown>, key, payload: value });
      else walk(value);
    }
  };
  walk(copy);
  if (found.length === 0) return copy;
  let payloads = found.map((f) => payloadFromJson(f.payload));
  // Codecs encode in order, so they decode in reverse (as the SDK does).
  for (const codec of [...codecs].reverse()) payloads = await codec.decode(payloads);
  found.forEach((f, i) => {
    (f.holder as Record<string | number, unknown>)[f.key] = payloadToJson(payloads[i] as NonNullable<(typeof payloads)[number]>);
  });
  return copy;
}

/** The same for a history as the client returns it (`handle.fetchHistory()`). */
export async function decodeHistory(history: temporal.api.history.v1.IHistory, codecs: readonly PayloadCodec[]): Promise<temporal.api.history.v1.IHistory> {
  return historyFromJSON(await decodeHistoryJson(JSON.parse(historyToJSON(history)) as unknown, codecs));
}

/**
 * The codec endpoint (Temporal's codec-server protocol), so the Web UI and the CLI can show the
 * encrypted payloads of a case to an auditor: `POST /codec/decode` and `POST /codec/encode` take and
 * answer `{ payloads: [{ metadata: { key: base64 }, data: base64 }] }`. The UI names its namespace in
 * `X-Namespace`; this API serves one namespace (its client's), so another one is refused. The keys
 * are the API client's own (PAYLOAD_KEYS).
 *
 * Decoded payloads are case contents, so every answered decode is written to the access log before
 * the answer leaves, like an auditor's read of a case's history: who, when, the namespace, how many
 * payloads and the request's Origin (the protocol names no case). Encoding writes under the
 * production key, so it is for admins only (api/access-policy.ts); the Web UI needs it only to send
 * input (start, signal), never to show a case.
 */
import type { Client } from '@temporalio/client';
import type { Payload } from '@temporalio/common';
import type { Request } from 'express';
import { z } from 'zod';
import type { Actor } from '../../common/types.js';
import { recordCodecDecode } from '../../db/access-log.js';
import type { Pool } from '../../db/pool.js';
import { PayloadDecryptionError } from '../../infra/payload-codec.js';
import { payloadFromJson, payloadToJson } from '../../infra/payload-json.js';
import { badRequest } from '../problem.js';
import type { Routes } from '../route.js';

/** Standard base64 with padding, as the codec-server protocol sends it (the pattern is what z.base64 checks). */
const Base64 = z.base64().regex(/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/, 'base64 with padding');
const JsonPayload = z.object({
  metadata: z.record(z.string().max(200), Base64).optional(),
  data: Base64.optional(),
});
const CodecBody = z.object({ payloads: z.array(JsonPayload).max(10_000) }).meta({ id: 'CodecPayloads' });
const NamespaceHeader = z.object({ 'x-namespace': z.string().optional() });

export function codecRoutes(routes: Routes, client: Client, pool: Pool): void {
  const codecs = client.options.loadedDataConverter.payloadCodecs;
  const namespace = client.options.namespace;

  /**
   * `POST /codec/<op>`: the payloads of the body, converted, for the one namespace this API serves;
   * `answered` runs once they are, before the answer leaves (a failure there is the request's).
   */
  const codecRoute = (
    op: 'decode' | 'encode',
    summary: string,
    answer: string,
    convert: (payloads: Payload[]) => Promise<Payload[]>,
    answered?: (ctx: { actor: Actor; req: Request; payloads: number }) => Promise<void>,
  ) =>
    routes.add({
      method: 'post',
      path: `/codec/${op}`,
      summary,
      tag: 'codec',
      body: CodecBody,
      headers: NamespaceHeader,
      responses: { 200: { description: answer, schema: CodecBody } },
      handler: async ({ actor, body, req }) => {
        const given = req.headers['x-namespace'];
        if (typeof given === 'string' && given !== '' && given !== namespace) {
          // The header is not quoted back: headers are not held to the text rule, and answers are.
          throw badRequest(`this codec serves namespace ${namespace} only`, [{ path: 'header.X-Namespace', message: 'another namespace' }]);
        }
        const payloads = await convert(body.payloads.map(payloadFromJson));
        await answered?.({ actor, req, payloads: payloads.length });
        return { body: { payloads: payloads.map(payloadToJson) } };
      },
    });

  codecRoute(
    'decode',
    'Decode (decrypt) payloads for the Temporal Web UI or CLI (codec-server protocol)',
    'The payloads, decoded (payloads that are not encrypted are returned as they are)',
    async (payloads) => {
      const out: Payload[] = [];
      // One at a time, so a payload that cannot be decoded is named in the answer.
      for (const [i, p] of payloads.entries()) {
        let decoded = [p];
        try {
          for (const codec of [...codecs].reverse()) decoded = await codec.decode(decoded);
        } catch (err) {
          if (err instanceof PayloadDecryptionError) throw badRequest(`payloads[${i}]: ${err.message}`, [{ path: `body.payloads.${i}`, message: err.message }]);
          // A payload whose plaintext is not a Payload message fails in protobuf: the input is bad.
          throw badRequest(`payloads[${i}] could not be decoded`, [{ path: `body.payloads.${i}`, message: 'not a payload this codec wrote' }]);
        }
        out.push(...decoded);
      }
      return out;
    },
    ({ actor, req, payloads }) => {
      const origin = req.headers.origin;
      return recordCodecDecode(pool, {
        actor,
        status: 200,
        requestId: req.id === undefined ? undefined : String(req.id),
        namespace,
        payloads,
        ...(typeof origin === 'string' && origin !== '' ? { origin: origin.slice(0, 200) } : {}),
      });
    },
  );

  codecRoute(
    'encode',
    'Encode (encrypt) payloads for the Temporal Web UI or CLI (codec-server protocol)',
    'The payloads, encrypted with the newest key',
    async (payloads) => {
      for (const codec of codecs) payloads = await codec.encode(payloads);
      return payloads;
    },
  );
}

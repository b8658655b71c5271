/** Connections to Temporal, for the API (client) and the worker, with TLS or an API key when configured. */
import { readFileSync } from 'node:fs';
import { Connection } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import { NativeConnection, type NativeConnectionOptions } from '@temporalio/worker';
import type { Config } from './config.js';
import { AesGcmPayloadCodec, encryptingDataConverter } from './payload-codec.js';
import { requirePayloadKeys } from './payload-keys.js';

function tlsOptions(config: Config) {
  const wantsTls = config.TEMPORAL_TLS ?? Boolean(config.TEMPORAL_API_KEY || config.TEMPORAL_TLS_CERT_PATH);
  if (!wantsTls) return undefined;
  const read = (p?: string) => (p ? readFileSync(p) : undefined);
  const crt = read(config.TEMPORAL_TLS_CERT_PATH);
  const key = read(config.TEMPORAL_TLS_KEY_PATH);
  return {
    serverNameOverride: config.TEMPORAL_TLS_SERVER_NAME,
    serverRootCACertificate: read(config.TEMPORAL_TLS_CA_PATH),
    clientCertPair: crt && key ? { crt, key } : undefined,
  };
}

export async function connectClient(config: Config, address: string): Promise<Connection> {
  return Connection.connect({ address, tls: tlsOptions(config), apiKey: config.TEMPORAL_API_KEY });
}

export async function connectWorker(config: Config, address: string): Promise<NativeConnection> {
  const opts: NativeConnectionOptions = { address, tls: tlsOptions(config), apiKey: config.TEMPORAL_API_KEY };
  return NativeConnection.connect(opts);
}

/**
 * The data converter of every client and worker: payloads encrypted with the configured keys.
 * Throws (naming PAYLOAD_KEYS / PAYLOAD_KEYS_FILE) when none are configured.
 */
export function dataConverterFromConfig(config: Pick<Config, 'PAYLOAD_KEYS' | 'PAYLOAD_KEYS_FILE'>): DataConverter {
  return encryptingDataConverter(new AesGcmPayloadCodec(requirePayloadKeys(config)));
}

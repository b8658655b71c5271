import { createServer } from 'node:http';
import { describe, expect, it } from 'vitest';
import { applyServerTimeouts } from '../../api/server.js';
import { loadConfig } from '../../infra/config.js';

describe('limit settings', () => {
  it('defaults: no trusted proxy, 24 h idempotency keys, 15 s statements, bounded HTTP reads', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({
      TRUST_PROXY: false,
      IDEMPOTENCY_KEY_TTL: 24 * 3600_000,
      DATABASE_STATEMENT_TIMEOUT_MS: 15_000,
      HTTP_HEADERS_TIMEOUT_MS: 10_000,
      HTTP_REQUEST_TIMEOUT_MS: 30_000,
      HTTP_KEEP_ALIVE_TIMEOUT_MS: 5_000,
      RATE_LIMIT_PER_MINUTE: 600,
      RATE_LIMIT_ANONYMOUS_PER_MINUTE: 60,
      RATE_LIMIT_OPEN_PER_MINUTE: 30,
      RATE_LIMIT_IMPORT_PER_MINUTE: 5,
      RATE_LIMIT_RAW_HISTORY_PER_MINUTE: 30,
    });
  });

  it('TRUST_PROXY is a hop count or a list of proxies; "true" and junk are refused', () => {
    expect(loadConfig({ TRUST_PROXY: '2' }).TRUST_PROXY).toBe(2);
    expect(loadConfig({ TRUST_PROXY: 'false' }).TRUST_PROXY).toBe(false);
    expect(loadConfig({ TRUST_PROXY: 'loopback, 10.0.0.0/8,::1' }).TRUST_PROXY).toEqual(['loopback', '10.0.0.0/8', '::1']);
    expect(() => loadConfig({ TRUST_PROXY: 'true' })).toThrow(/TRUST_PROXY/);
    expect(() => loadConfig({ TRUST_PROXY: 'my-proxy' })).toThrow(/TRUST_PROXY/);
  });

  it('IDEMPOTENCY_KEY_TTL is an ISO 8601 duration', () => {
    expect(loadConfig({ IDEMPOTENCY_KEY_TTL: 'P7D' }).IDEMPOTENCY_KEY_TTL).toBe(7 * 24 * 3600_000);
    expect(() => loadConfig({ IDEMPOTENCY_KEY_TTL: '24h' })).toThrow(/IDEMPOTENCY_KEY_TTL/);
    expect(() => loadConfig({ IDEMPOTENCY_KEY_TTL: 'PT0S' })).toThrow(/IDEMPOTENCY_KEY_TTL/);
  });

  it('the server gets the configured timeouts; headers may not outlast the request', () => {
    const server = createServer();
    applyServerTimeouts(server, { HTTP_HEADERS_TIMEOUT_MS: 2_000, HTTP_REQUEST_TIMEOUT_MS: 7_000, HTTP_KEEP_ALIVE_TIMEOUT_MS: 1_000 });
    expect([server.headersTimeout, server.requestTimeout, server.keepAliveTimeout]).toEqual([2_000, 7_000, 1_000]);
    expect(() => applyServerTimeouts(server, { HTTP_HEADERS_TIMEOUT_MS: 9_000, HTTP_REQUEST_TIMEOUT_MS: 7_000, HTTP_KEEP_ALIVE_TIMEOUT_MS: 1_000 })).toThrow(
      /HTTP_HEADERS_TIMEOUT_MS/,
    );
  });
});

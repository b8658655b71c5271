/**
 * The API's HTTP server acts on its limits: a client that never finishes its headers is cut about
 * when HTTP_HEADERS_TIMEOUT_MS says (Node's own check runs only every 30 s by default, which let a
 * slow client hold a socket ~35 s against a 10 s setting), and no more than HTTP_MAX_CONNECTIONS
 * sockets are held at once. A plain Express app on a real socket.
 */
import { once } from 'node:events';
import type { Server } from 'node:http';
import net, { type AddressInfo } from 'node:net';
import express from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { connectionsCheckingInterval, createApiServer } from '../../api/server.js';
import { loadConfig } from '../../infra/config.js';

const servers: Server[] = [];
const sockets: net.Socket[] = [];

afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});

async function listen(limits: Partial<Parameters<typeof createApiServer>[1]>): Promise<{ server: Server; port: number }> {
  const app = express();
  app.get('/', (_req, res) => {
    res.send('ok');
  });
  const server = createApiServer(app, {
    HTTP_HEADERS_TIMEOUT_MS: 10_000,
    HTTP_REQUEST_TIMEOUT_MS: 30_000,
    HTTP_KEEP_ALIVE_TIMEOUT_MS: 5_000,
    HTTP_MAX_CONNECTIONS: 1000,
    ...limits,
  });
  servers.push(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { server, port: (server.address() as AddressInfo).port };
}

async function connect(port: number): Promise<net.Socket> {
  const socket = net.connect(port, '127.0.0.1');
  sockets.push(socket);
  socket.on('error', () => {}); // a refused connection may be reset: its close is what is checked
  await once(socket, 'connect');
  return socket;
}

/** When the socket closes (ms since `since`), and what it received first. */
function closing(socket: net.Socket, since: number): Promise<{ afterMs: number; received: string }> {
  let received = '';
  socket.on('data', (d: Buffer) => (received += d.toString('latin1')));
  return new Promise((resolve) => socket.once('close', () => resolve({ afterMs: Date.now() - since, received })));
}

const waitFor = async (check: () => Promise<boolean>, timeoutMs = 5_000) => {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
};
const connections = (server: Server) => new Promise<number>((resolve, reject) => server.getConnections((err, n) => (err ? reject(err) : resolve(n))));

describe('HTTP limits of the API server', () => {
  it('HTTP_MAX_CONNECTIONS: defaults to 1000, must be a positive integer', () => {
    expect(loadConfig({}).HTTP_MAX_CONNECTIONS).toBe(1000);
    expect(loadConfig({ HTTP_MAX_CONNECTIONS: '2' }).HTTP_MAX_CONNECTIONS).toBe(2);
    for (const bad of ['0', '-1', '1.5', 'many']) expect(() => loadConfig({ HTTP_MAX_CONNECTIONS: bad }), bad).toThrow(/HTTP_MAX_CONNECTIONS/);
  });

  it('checks for timed-out connections within a second of the headers timeout (half of it, 100 ms to 1 s)', () => {
    expect(connectionsCheckingInterval({ HTTP_HEADERS_TIMEOUT_MS: 10_000 })).toBe(1000);
    expect(connectionsCheckingInterval({ HTTP_HEADERS_TIMEOUT_MS: 1_000 })).toBe(500);
    expect(connectionsCheckingInterval({ HTTP_HEADERS_TIMEOUT_MS: 50 })).toBe(100);
  });

  it('a client that sends only part of its headers is cut about HTTP_HEADERS_TIMEOUT_MS after it connected, not 30 s later', async () => {
    const { port } = await listen({ HTTP_HEADERS_TIMEOUT_MS: 1_000, HTTP_REQUEST_TIMEOUT_MS: 5_000 });
    const socket = await connect(port);
    const start = Date.now();
    const closed = closing(socket, start);
    socket.write('GET / HTTP/1.1\r\nHost: localhost\r\nX-Slow: ');
    // Still sending headers (one byte now and then) does not extend the deadline.
    const drip = setInterval(() => socket.writable && socket.write('a'), 200);
    try {
      const { afterMs, received } = await closed;
      expect(afterMs).toBeGreaterThanOrEqual(900); // the setting acts, not something earlier
      expect(afterMs).toBeLessThan(1_000 + 2_000);
      expect(received).toMatch(/^HTTP\/1\.1 408/);
    } finally {
      clearInterval(drip);
    }
  });

  it('HTTP_MAX_CONNECTIONS=2: a third connection is closed while two are held open; once one closes, another is served', async () => {
    const { server, port } = await listen({ HTTP_MAX_CONNECTIONS: 2 });
    const first = await connect(port);
    const second = await connect(port);
    await waitFor(async () => (await connections(server)) === 2);
    const firstClosed = closing(first, Date.now());
    const secondClosed = closing(second, Date.now());

    const third = await connect(port);
    const thirdClosing = closing(third, Date.now());
    third.write('GET / HTTP/1.1\r\nHost: localhost\r\n\r\n');
    const thirdClosed = await thirdClosing;
    expect(thirdClosed.received).toBe(''); // closed unanswered
    expect(thirdClosed.afterMs).toBeLessThan(2_000);

    // The two held connections are still open, and still served.
    first.write('GET / HTTP/1.1\r\nHost: localhost\r\n\r\n');
    await waitFor(async () => first.bytesRead > 0);
    expect(first.destroyed).toBe(false);
    expect(second.destroyed).toBe(false);
    expect(await connections(server)).toBe(2);

    first.destroy();
    await firstClosed;
    await waitFor(async () => (await connections(server)) === 1);
    const res = await fetch(`http://127.0.0.1:${port}/`, { headers: { connection: 'close' } });
    expect(await res.text()).toBe('ok');
    second.destroy();
    await secondClosed;
  });
});

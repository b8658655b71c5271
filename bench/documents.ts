/**
 * `npm run bench` (documents): what moving a document through the API costs against moving the
 * same bytes into and out of PostgreSQL as directly as it allows. A real embedded PostgreSQL and
 * the real HTTP API (createApp, as bench/inbox.ts builds it), BENCH_DOC_ROUNDS rounds of a 20 MB
 * file (random bytes behind a PDF header, a fresh file each round so no upload is answered by
 * dedupe):
 *  - upload: `POST /v1/documents`, multipart, streamed from disk with a Content-Length;
 *  - download: `GET /v1/documents/:digest`, the body read to its end;
 *  - baseline write: the same file, in chunks of the store's CHUNK_BYTES, through `COPY … FROM
 *    STDIN (FORMAT binary)` into a scratch table with a bytea column, on one plain connection;
 *  - baseline read: those rows read back with one plain SELECT;
 *  - and one more upload of bytes already stored, to show what a dedupe answer (200) costs.
 * Prints MB/s (10^6 bytes per second) as p50, min and max, the ratios against the baseline, and how
 * far the process's RSS rose during the uploads. Asserts nothing (timings belong to the machine).
 */
import { once } from 'node:events';
import { chmodSync, closeSync, createReadStream, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Duplex } from 'node:stream';
import { randomFillSync, randomUUID } from 'node:crypto';
import { Client } from '@temporalio/client';
import pg from 'pg';
import { pino } from 'pino';
import { CHUNK_BYTES } from '../api/documents/pg-store.js';
import { createApp } from '../api/app.js';
import { loadConfig } from '../infra/config.js';
import { startEmbeddedPostgres } from '../infra/embedded-postgres.js';
import { freshDatabase } from '../test/support/db.js';
import { TEST_SECRET, tokenFor } from '../test/support/stack.js';
import { table } from './lib/markdown-table.js';
import { percentile } from './lib/stats.js';

const ROUNDS = Number(process.env.BENCH_DOC_ROUNDS ?? 5);
/** 20 MB: under DOCUMENT_MAX_BYTES (20 MiB), so the default configuration takes it. */
const FILE_BYTES = 20_000_000;
const PDF_HEADER = Buffer.from('%PDF-1.7\n');

/** A fresh file of FILE_BYTES: the PDF header, then random bytes, written 1 MiB at a time. */
function writeRandomPdf(file: string): void {
  const fd = openSync(file, 'w');
  try {
    writeSync(fd, PDF_HEADER);
    const piece = Buffer.alloc(2 ** 20);
    for (let left = FILE_BYTES - PDF_HEADER.length; left > 0; left -= piece.length) {
      writeSync(fd, randomFillSync(piece), 0, Math.min(left, piece.length));
    }
  } finally {
    closeSync(fd);
  }
}

/** `POST /v1/documents` with the file streamed from disk; the answer's status and body. */
async function upload(base: string, token: string, file: string): Promise<{ status: number; body: string }> {
  const boundary = `onestop-bench-${randomUUID()}`;
  const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="bench.pdf"\r\nContent-Type: application/pdf\r\n\r\n`);
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  const req = request(`${base}/v1/documents`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${token}`,
      'content-type': `multipart/form-data; boundary=${boundary}`,
      'content-length': head.length + FILE_BYTES + tail.length,
    },
  });
  const answered = new Promise<{ status: number; body: string }>((resolve, reject) => {
    req.once('error', reject);
    req.once('response', (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (s: string) => (body += s));
      res.once('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.once('error', reject);
    });
  });
  req.write(head);
  for await (const chunk of createReadStream(file)) {
    if (!req.write(chunk)) await once(req, 'drain');
  }
  req.end(tail);
  return answered;
}

/** `GET /v1/documents/:digest`, read to the end; the bytes received. */
async function download(base: string, token: string, digest: string): Promise<number> {
  const r = await fetch(`${base}/v1/documents/${digest}`, { headers: { authorization: `Bearer ${token}` } });
  if (r.status !== 200 || !r.body) throw new Error(`GET /v1/documents/${digest}: ${r.status} ${await r.text()}`);
  let bytes = 0;
  for await (const chunk of r.body) bytes += chunk.length;
  return bytes;
}

/** What pg's Connection offers for COPY FROM STDIN (in pg, not in its published types). */
interface CopyConnection {
  readonly stream: Duplex;
  query(text: string): void;
  sendCopyFromChunk(chunk: Buffer): void;
  endCopyFrom(): void;
  sendCopyFail(message: string): void;
}

/**
 * `COPY … FROM STDIN` through pg's Submittable hook (the one pg-cursor and pg-query-stream use),
 * since pg-copy-streams is not a dependency: the query is sent, and once the server asks for the
 * data each piece of `source` goes out as a CopyData message, waiting whenever the socket's
 * buffer is full, so no more than a piece is held.
 */
class CopyIn implements pg.Submittable {
  private settle!: { resolve: () => void; reject: (err: Error) => void };
  readonly done = new Promise<void>((resolve, reject) => (this.settle = { resolve, reject }));

  constructor(
    private readonly sql: string,
    private readonly source: AsyncIterable<Buffer>,
  ) {}

  submit(connection: pg.Connection): void {
    (connection as unknown as CopyConnection).query(this.sql);
  }

  handleCopyInResponse(connection: pg.Connection): void {
    void this.send(connection as unknown as CopyConnection);
  }

  private async send(c: CopyConnection): Promise<void> {
    try {
      for await (const piece of this.source) {
        c.sendCopyFromChunk(piece);
        if (c.stream.writableNeedDrain) await once(c.stream, 'drain');
      }
      c.endCopyFrom();
    } catch (err) {
      c.sendCopyFail(String(err)); // the server answers with an error, which rejects `done`
    }
  }

  handleCommandComplete(): void {}

  handleReadyForQuery(): void {
    this.settle.resolve();
  }

  handleError(err: Error): void {
    this.settle.reject(err);
  }
}

/**
 * The file as PostgreSQL's binary COPY format for `(round int, seq int, data bytea)`: the
 * signature, one row per CHUNK_BYTES of the file (its bytes as they are, no hex or escaping), the
 * trailer.
 */
async function* binaryCopyRows(file: string, round: number): AsyncGenerator<Buffer> {
  yield Buffer.concat([Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1'), Buffer.alloc(8)]); // signature, flags, no extension
  let seq = 0;
  for await (const chunk of createReadStream(file, { highWaterMark: CHUNK_BYTES }) as AsyncIterable<Buffer>) {
    // Field count, then each field's length and bytes: round, seq, and the chunk's length (its bytes follow).
    const row = Buffer.alloc(2 + 8 + 8 + 4);
    row.writeInt16BE(3, 0);
    row.writeInt32BE(4, 2);
    row.writeInt32BE(round, 6);
    row.writeInt32BE(4, 10);
    row.writeInt32BE(seq++, 14);
    row.writeInt32BE(chunk.length, 18);
    yield row;
    yield chunk;
  }
  const trailer = Buffer.alloc(2);
  trailer.writeInt16BE(-1, 0);
  yield trailer;
}

/** The highest RSS seen while `fn` runs (sampled every 10 ms, and at its end). */
async function peakRssDuring(fn: () => Promise<void>): Promise<number> {
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 10);
  try {
    await fn();
  } finally {
    clearInterval(timer);
  }
  return Math.max(peak, process.memoryUsage.rss());
}

/** MB/s (10^6 bytes per second) for FILE_BYTES moved in `ms`. */
const mbps = (ms: number) => FILE_BYTES / 1e6 / (ms / 1000);

async function timed(fn: () => Promise<void>): Promise<number> {
  const s = performance.now();
  await fn();
  return performance.now() - s;
}

const dir = mkdtempSync(path.join(tmpdir(), 'onestop-bench-documents-'));
chmodSync(dir, 0o755);
const pgServer = await startEmbeddedPostgres({ dataDir: path.join(dir, 'pg'), port: 0 });
const db = await freshDatabase(pgServer.url);
const direct = new pg.Client({ connectionString: db.url });
await direct.connect();
const client = new Client(); // lazy: the document routes never talk to Temporal
const config = loadConfig({ AUTH_JWT_SECRET: TEST_SECRET, RATE_LIMIT_PER_MINUTE: '10000000' });
const app = createApp({ client, pool: db.pool, logger: pino({ level: 'silent' }), config });
const server = app.listen(0, '127.0.0.1');
await new Promise((r) => server.once('listening', r));
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

try {
  const token = await tokenFor({ sub: 'hu', name: 'Hu Min', roles: ['caseworker'], dept: 'health' });
  // The same shape as document_chunks: a bytea per chunk, not compressed, keyed by its position.
  await direct.query(`CREATE TABLE bench_copy (round int NOT NULL, seq int NOT NULL, data bytea NOT NULL, PRIMARY KEY (round, seq));
    ALTER TABLE bench_copy ALTER COLUMN data SET STORAGE EXTERNAL`);

  const files = Array.from({ length: ROUNDS }, (_, i) => path.join(dir, `round-${i}.pdf`));
  const t0 = performance.now();
  for (const f of files) writeRandomPdf(f);
  const generateMs = performance.now() - t0;

  // Each round writes its file through the API, then through COPY, and reads them back the same
  // way, so load from elsewhere on the machine falls on both sides of a ratio alike. The writes
  // come first, apart from the reads: the baseline's SELECT holds a whole file in this process, and
  // would count in the uploads' RSS. COPY streams from disk like an upload.
  const digests: string[] = [];
  const uploadMs: number[] = [];
  const copyMs: number[] = [];
  const rssBefore = process.memoryUsage.rss();
  // The peak of each upload apart: if the body were held whole, it would rise with every file.
  const rssPeaks: number[] = [];
  for (const [round, f] of files.entries()) {
    let ms = 0;
    rssPeaks.push(
      await peakRssDuring(async () => {
        ms = await timed(async () => {
          const r = await upload(base, token, f);
          if (r.status !== 201) throw new Error(`POST /v1/documents: ${r.status} ${r.body}`);
          digests.push((JSON.parse(r.body) as { digest: string }).digest);
        });
      }),
    );
    uploadMs.push(ms);
    copyMs.push(
      await timed(async () => {
        const copy = new CopyIn('COPY bench_copy (round, seq, data) FROM STDIN (FORMAT binary)', binaryCopyRows(f, round));
        direct.query(copy);
        await copy.done;
      }),
    );
  }

  // The same bytes again: hashed and written as they arrive like any upload, then found stored,
  // and this upload's chunks deleted before the answer.
  const dedupeMs = await timed(async () => {
    const r = await upload(base, token, files[ROUNDS - 1] as string);
    if (r.status !== 200) throw new Error(`POST /v1/documents (same bytes): expected 200, got ${r.status} ${r.body}`);
  });

  const downloadMs: number[] = [];
  const selectMs: number[] = [];
  for (const [round, digest] of digests.entries()) {
    downloadMs.push(
      await timed(async () => {
        const bytes = await download(base, token, digest);
        if (bytes !== FILE_BYTES) throw new Error(`GET /v1/documents/${digest}: ${bytes} bytes, expected ${FILE_BYTES}`);
      }),
    );
    selectMs.push(
      await timed(async () => {
        const { rows } = await direct.query<{ data: Buffer }>('SELECT data FROM bench_copy WHERE round = $1 ORDER BY seq', [round]);
        const bytes = rows.reduce((n, r) => n + r.data.length, 0);
        if (bytes !== FILE_BYTES) throw new Error(`baseline read of round ${round}: ${bytes} bytes, expected ${FILE_BYTES}`);
      }),
    );
  }

  /** p50, min, max of the rates (MB/s) for these durations. */
  const rates = (ms: number[]) => {
    const r = ms.map(mbps).sort((a, b) => a - b);
    return { p50: percentile(r, 50), min: r[0] as number, max: r[r.length - 1] as number };
  };
  const up = rates(uploadMs);
  const downR = rates(downloadMs);
  const write = rates(copyMs);
  const read = rates(selectMs);
  const row = (name: string, r: { p50: number; min: number; max: number }) => [name, r.p50.toFixed(1), r.min.toFixed(1), r.max.toFixed(1)];
  const mib = (b: number) => (b / 2 ** 20).toFixed(0);

  console.log(
    `\ndocuments: ${ROUNDS} rounds of a ${FILE_BYTES / 1e6} MB file (random bytes, PDF header; ${(generateMs / 1000).toFixed(1)} s to write them), MB/s = 10^6 bytes/s`,
  );
  console.log(
    table(
      ['', 'p50 MB/s', 'min', 'max'],
      [
        row('upload, POST /v1/documents (HTTP, multipart, 256 KiB chunk rows)', up),
        row('download, GET /v1/documents/:digest', downR),
        row('baseline write, COPY FROM STDIN (binary), same chunk rows', write),
        row('baseline read, one SELECT of those rows', read),
        ['upload of bytes already stored (200, dedupe), one round', mbps(dedupeMs).toFixed(1), '', ''],
      ],
    ),
  );
  console.log(`ratio upload / baseline write (p50):  ${(up.p50 / write.p50).toFixed(2)}`);
  console.log(`ratio download / baseline read (p50): ${(downR.p50 / read.p50).toFixed(2)}`);
  console.log(
    `RSS during the uploads (API and client in one process, ${FILE_BYTES / 1e6} MB each): ${mib(rssBefore)} MiB before; peak during each upload ${rssPeaks.map((p) => `+${mib(p - rssBefore)}`).join(', ')} MiB`,
  );
} finally {
  server.close();
  await client.connection.close().catch(() => undefined);
  await direct.end();
  await db.drop();
  await pgServer.stop();
  rmSync(dir, { recursive: true, force: true });
}

/**
 * The document store on the real stack: uploads streamed into PostgreSQL once per content, byte-
 * identical downloads, every bad upload refused with nothing stored (too large — declared or
 * streamed —, not an accepted kind, empty, wrong parts, interrupted), names cleaned, the sweep of
 * unattached uploads, the auditor's integrity check, who may download, and the access log.
 */
import { createHash, randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { PgDocumentStore } from '../../api/documents/pg-store.js';
import { sweepUnattached } from '../../api/documents/sweep.js';
import { MAX_CONCURRENT_UPLOADS } from '../../api/routes/documents.js';
import type { Actor } from '../../common/types.js';
import { attachDocument } from '../../db/documents.js';
import { applicantActor } from '../support/fixtures.js';
import { OpenApiConformance } from '../support/openapi-conformance.js';
import { api, startStack, tokenFor, type Stack } from '../support/stack.js';

let stack: Stack;
let call: ReturnType<typeof api>;
const LIMIT = 20 * 1024 * 1024;
const uploader: Actor = applicantActor;
const otherApplicant: Actor = { sub: 'other-user', name: 'Li Na', roles: ['applicant'], org: '91110000600037341L' };
const caseworker: Actor = { sub: 'carl', name: 'Carl Case', roles: ['caseworker'], dept: 'health' };
const auditor: Actor = { sub: 'audrey', name: 'Audrey Auditor', roles: ['auditor'] };
const admin: Actor = { sub: 'root', name: 'Root', roles: ['admin'] };

beforeAll(async () => {
  stack = await startStack(inject('databaseUrl'));
  call = api(stack.baseUrl);
});
afterAll(async () => {
  await stack?.teardown();
});

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const pdf = (bytes = 1000) => Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(bytes)]);
const png = () => Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), randomBytes(700)]);
const jpeg = () => Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), randomBytes(900)]);
/** A ZIP whose first local header names `entry` (the bytes after it need not be a whole archive to be judged). */
function zip(entry: string): Buffer {
  const header = Buffer.alloc(30);
  Buffer.from([0x50, 0x4b, 0x03, 0x04]).copy(header);
  header.writeUInt16LE(entry.length, 26);
  return Buffer.concat([header, Buffer.from(entry), randomBytes(600)]);
}

const BOUNDARY = 'onestop-test-boundary';
type Part = { field: string; filename?: string; filenameStar?: string; type?: string; data: Buffer | string };
const partHead = (p: Part) => {
  const file = p.filenameStar ? `; filename*=UTF-8''${p.filenameStar}` : p.filename !== undefined ? `; filename="${p.filename}"` : '';
  const type = p.type ? `\r\nContent-Type: ${p.type}` : '';
  return Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="${p.field}"${file}${type}\r\n\r\n`);
};
const multipart = (parts: Part[]) =>
  Buffer.concat([...parts.flatMap((p) => [partHead(p), Buffer.from(p.data), Buffer.from('\r\n')]), Buffer.from(`--${BOUNDARY}--\r\n`)]);
const filePart = (data: Buffer, filename = 'scan.pdf', type = 'application/pdf'): Part => ({ field: 'file', filename, type, data });
const namedPart = (data: Buffer, name: string): Part => ({ field: 'file', filenameStar: encodeURIComponent(name), type: 'application/octet-stream', data });

type Answer = { status: number; body: any; headers: Headers };

/** A multipart POST /v1/documents through fetch, its answer checked against the OpenAPI document. */
async function upload(parts: Part[] | Buffer, as: Actor = uploader, contentType = `multipart/form-data; boundary=${BOUNDARY}`): Promise<Answer> {
  const res = await fetch(`${stack.baseUrl}/v1/documents`, {
    method: 'POST',
    headers: { authorization: `Bearer ${await tokenFor(as)}`, 'content-type': contentType },
    body: new Uint8Array(Buffer.isBuffer(parts) ? parts : multipart(parts)),
  });
  const text = await res.text();
  const body = text ? JSON.parse(text) : undefined;
  (await OpenApiConformance.load(stack.baseUrl)).check('POST', '/v1/documents', { status: res.status, contentType: res.headers.get('content-type'), body });
  return { status: res.status, body, headers: res.headers };
}

/**
 * A POST through node:http, whose answer can arrive while the body is still being sent (fetch
 * gives up on a request whose socket closes under it): resolves with the answer and how many body
 * bytes had been handed to the socket by then.
 */
function streamUpload(body: Readable, opts: { token: string; contentLength?: number }): Promise<{ status: number; body: any; sentBytes: number }> {
  return new Promise((resolve, reject) => {
    let sent = 0;
    const headers: Record<string, string | number> = { authorization: `Bearer ${opts.token}`, 'content-type': `multipart/form-data; boundary=${BOUNDARY}` };
    if (opts.contentLength !== undefined) headers['content-length'] = opts.contentLength;
    const req = request(`${stack.baseUrl}/v1/documents`, { method: 'POST', headers }, (res) => {
      const at = sent;
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        body.destroy();
        req.destroy();
        resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString() || 'null'), sentBytes: at });
      });
    });
    req.on('error', () => undefined); // the server closes the connection after refusing: expected
    body.on('data', (c: Buffer) => {
      sent += c.length;
      if (!req.write(c)) {
        body.pause();
        req.once('drain', () => body.resume());
      }
    });
    body.on('end', () => req.end());
    body.on('error', reject);
  });
}

/** A file part of `total` PDF bytes, produced as it is read (never whole in memory here either). */
function streamedPdf(total: number): Readable {
  const piece = randomBytes(64 * 1024);
  let left = total;
  return Readable.from(
    (function* () {
      yield partHead(filePart(Buffer.alloc(0)));
      yield Buffer.from('%PDF-1.7\n');
      while (left > 0) {
        const n = Math.min(left, piece.length);
        left -= n;
        yield piece.subarray(0, n);
      }
      yield Buffer.from(`\r\n--${BOUNDARY}--\r\n`);
    })(),
    { objectMode: false },
  );
}

const counts = async () => {
  const { rows } = await stack.db.pool.query<{ documents: number; chunks: number }>(
    'SELECT (SELECT count(*)::int FROM documents) AS documents, (SELECT count(*)::int FROM document_chunks) AS chunks',
  );
  return rows[0]!;
};

async function download(digest: string, as: Actor): Promise<{ status: number; bytes: Buffer; headers: Headers }> {
  const res = await fetch(`${stack.baseUrl}/v1/documents/${digest}`, { headers: { authorization: `Bearer ${await tokenFor(as)}` } });
  const bytes = Buffer.from(await res.arrayBuffer());
  const contentType = res.headers.get('content-type');
  const body = contentType?.includes('json') ? JSON.parse(bytes.toString()) : bytes.toString('latin1');
  (await OpenApiConformance.load(stack.baseUrl)).check('GET', `/v1/documents/${digest}`, { status: res.status, contentType, body });
  return { status: res.status, bytes, headers: res.headers };
}

describe('upload and download', () => {
  test.each([
    ['PDF', pdf(), 'application/pdf', 'licence.pdf'],
    ['PNG', png(), 'image/png', 'site-photo.png'],
    ['JPEG', jpeg(), 'image/jpeg', '现场照片.jpg'],
    ['OFD', zip('OFD.xml'), 'application/ofd', '营业执照.ofd'],
    ['a PDF of several chunks', pdf(700_000), 'application/pdf', 'plans.pdf'],
  ])('%s: stored with its digest, kind and name, downloaded byte-identical', async (_kind, bytes, mediaType, name) => {
    // The client's Content-Type (octet-stream here) is not believed: the kind comes from the bytes.
    const r = await upload([namedPart(bytes, name)]);
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body).toMatchObject({ digest: sha256(bytes), size: bytes.length, mediaType, name });
    expect(r.headers.get('location')).toBe(`/v1/documents/${sha256(bytes)}`);

    const d = await download(r.body.digest, uploader);
    expect(d.status).toBe(200);
    expect(d.bytes.equals(bytes)).toBe(true);
    expect(d.headers.get('content-type')).toBe(mediaType);
    expect(d.headers.get('x-content-type-options')).toBe('nosniff');
    expect(d.headers.get('content-disposition')).toMatch(/^attachment;/);
    expect(d.headers.get('content-disposition')).toContain(`filename*=UTF-8''${encodeURIComponent(name)}`);
  });
});

describe('bad uploads are refused and change nothing', () => {
  let token = '';
  beforeAll(async () => {
    token = await tokenFor(uploader);
  });

  test('413 at once for a declared Content-Length over the limit, before the body is read', async () => {
    const before = await counts();
    // Only the part's head is sent of the 30 MB declared, and the body never ends: the answer
    // cannot have waited for the rest.
    const body = new Readable({ read() {} });
    body.push(Buffer.concat([partHead(filePart(Buffer.alloc(0))), Buffer.from('%PDF-1.7\n')]));
    const r = await streamUpload(body, { token, contentLength: 30 * 1024 * 1024 });
    expect(r.status).toBe(413);
    expect(r.body.errors[0].path).toBe('body.file');
    expect(await counts()).toEqual(before);
  });

  test('413 for a streamed body (no Content-Length) as soon as it passes the limit', async () => {
    const before = await counts();
    const r = await streamUpload(streamedPdf(LIMIT + 5 * 1024 * 1024), { token });
    expect(r.status).toBe(413);
    expect(r.body.detail).toContain(String(LIMIT));
    expect(await counts()).toEqual(before);
  });

  test('a 200 MB body is stopped at the limit, with the API process memory unmoved', async () => {
    const before = await counts();
    const rss = process.memoryUsage().rss;
    const r = await streamUpload(streamedPdf(200 * 1024 * 1024), { token });
    const grown = process.memoryUsage().rss - rss;
    console.log(
      `200 MB upload: answered ${r.status} after ${(r.sentBytes / 2 ** 20).toFixed(1)} MiB sent; API process RSS grew ${(grown / 2 ** 20).toFixed(1)} MiB`,
    );
    expect(r.status).toBe(413);
    expect(r.sentBytes).toBeLessThan(60 * 1024 * 1024);
    expect(grown).toBeLessThan(50 * 1024 * 1024);
    expect(await counts()).toEqual(before);
  });

  test('415 for a text file named .pdf sent as application/pdf, for a ZIP that is not OFD, for a body not multipart', async () => {
    const before = await counts();
    const text = await upload([filePart(Buffer.from('just some text, not a PDF at all'), 'report.pdf', 'application/pdf')]);
    expect(text.status).toBe(415);
    expect(text.body.errors[0].path).toBe('body.file');
    expect((await upload([filePart(zip('word/document.xml'), 'x.ofd', 'application/ofd')])).status).toBe(415);
    expect((await upload(Buffer.from('{"file":"x"}'), uploader, 'application/json')).status).toBe(415);
    expect(await counts()).toEqual(before);
  });

  test('400 for an empty file, no file part, another field, a second file, or a file under another name', async () => {
    const before = await counts();
    const cases: [string, Part[]][] = [
      ['empty', [filePart(Buffer.alloc(0))]],
      ['no file part', [{ field: 'note', data: 'hello' }]],
      ['a field after the file', [filePart(pdf()), { field: 'note', data: 'hello' }]],
      ['a field before the file', [{ field: 'note', data: 'hello' }, filePart(pdf())]],
      ['two files', [filePart(pdf()), filePart(pdf())]],
      ['the file under another name', [{ ...filePart(pdf()), field: 'document' }]],
      ['no parts at all', []],
      // Part names are the client's: an empty one, or bytes that are not UTF-8, is refused like any other (found by the fuzzer: it once stopped the API).
      ['a field with an empty name', [{ field: '', data: '{}' }, filePart(pdf())]],
      ['a file with an empty name', [{ ...filePart(pdf()), field: '' }]],
      // The refusal quotes the part's name: control characters in it must not reach the answer (found by the fuzzer).
      ['a field named with control characters', [{ field: 'n\u0099a\u0085me', data: 'x' }, filePart(pdf())]],
      ['a file named with control characters', [{ ...filePart(pdf()), field: 'f\u009bi\u009fle' }]],
    ];
    for (const [what, parts] of cases) {
      const r = await upload(parts);
      expect(r.status, `${what}: ${JSON.stringify(r.body)}`).toBe(400);
      expect(r.body.errors.length, what).toBeGreaterThan(0);
      // The API never answers with text it would refuse (common/text-rule.ts).
      expect(JSON.stringify(r.body), what).not.toMatch(/\\u00[01][0-9a-f]|\\u007f|[\u0080-\u009f]/i);
    }
    expect(await counts()).toEqual(before);
    expect((await call('GET', '/healthz')).status).toBe(200);
  });

  test('an upload aborted half-way leaves no rows', async () => {
    const before = await counts();
    const chunkLocks = async () =>
      (await stack.db.pool.query<{ n: number }>("SELECT count(*)::int AS n FROM pg_locks WHERE relation = 'document_chunks'::regclass")).rows[0]!.n;
    const req = request(`${stack.baseUrl}/v1/documents`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': `multipart/form-data; boundary=${BOUNDARY}` },
    });
    req.on('error', () => undefined);
    req.write(partHead(filePart(Buffer.alloc(0))));
    req.write(Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(2 * 1024 * 1024)]));
    // The upload's transaction is writing chunks (uncommitted) when the client goes away.
    await expect.poll(chunkLocks).toBeGreaterThan(0);
    req.destroy();
    await expect.poll(chunkLocks).toBe(0);
    expect(await counts()).toEqual(before);
    // The store is none the worse for it.
    expect((await upload([filePart(pdf())])).status).toBe(201);
  });

  test(`at most ${MAX_CONCURRENT_UPLOADS} uploads at once: the next is answered 503 with Retry-After, and the others go on`, async () => {
    const before = await counts();
    const stalled = Array.from({ length: MAX_CONCURRENT_UPLOADS }, () => {
      const req = request(`${stack.baseUrl}/v1/documents`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': `multipart/form-data; boundary=${BOUNDARY}` },
      });
      req.on('error', () => undefined);
      req.write(Buffer.concat([partHead(filePart(Buffer.alloc(0))), Buffer.from('%PDF-1.7\n'), randomBytes(4096)]));
      return req;
    });
    // Each stalled upload has its transaction open (its first chunk is not complete: nothing written yet).
    const inTransaction = async () =>
      (
        await stack.db.pool.query<{ n: number }>(
          "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND state = 'idle in transaction'",
        )
      ).rows[0]!.n;
    await expect.poll(inTransaction).toBe(MAX_CONCURRENT_UPLOADS);
    const refused = await upload([filePart(pdf())]);
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('5');
    for (const req of stalled) req.destroy();
    await expect.poll(inTransaction).toBe(0);
    expect(await counts()).toEqual(before);
    expect((await upload([filePart(pdf())])).status).toBe(201);
  });

  test('names with path parts, control characters or over 200 characters are cleaned, never refused', async () => {
    const long = `${'长'.repeat(250)}.pdf`;
    const cases: [Part, string][] = [
      [filePart(pdf(), '../../etc/passwd.pdf'), 'passwd.pdf'],
      [namedPart(pdf(), 'C:\\Users\\wei\\scan.pdf'), 'scan.pdf'],
      [{ field: 'file', filenameStar: 'a%01b%7Fc%E2%80%AEd%C2%85.pdf', data: pdf() }, 'abcd.pdf'],
      [namedPart(pdf(), long), `${'长'.repeat(196)}.pdf`],
      [filePart(pdf(), '..'), 'document'],
    ];
    for (const [part, name] of cases) {
      const r = await upload([part]);
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      expect(r.body.name).toBe(name);
    }
  });
});

describe('stored once per content', () => {
  const rowsOf = async (digest: string) => {
    const { rows } = await stack.db.pool.query<{ documents: number; chunks: number }>(
      `SELECT (SELECT count(*)::int FROM documents WHERE digest = $1) AS documents,
              (SELECT count(*)::int FROM document_chunks c JOIN documents d USING (content_id) WHERE d.digest = $1) AS chunks`,
      [digest],
    );
    return rows[0]!;
  };

  test('the same file uploaded twice: 201 then 200 with the same document, one row', async () => {
    const bytes = pdf(300_000);
    const first = await upload([filePart(bytes, 'first.pdf')]);
    const chunksAfterFirst = (await counts()).chunks;
    const second = await upload([filePart(bytes, 'second.pdf')], caseworker);
    expect([first.status, second.status]).toEqual([201, 200]);
    expect(second.body).toEqual(first.body); // the first name and upload time
    expect(await rowsOf(sha256(bytes))).toEqual({ documents: 1, chunks: 2 });
    expect((await counts()).chunks).toBe(chunksAfterFirst);
    // Whoever uploaded the bytes may download them.
    expect((await download(first.body.digest, caseworker)).status).toBe(200);
  });

  test('the same file uploaded concurrently: stored once', async () => {
    const bytes = pdf(600_000);
    const answers = await Promise.all([1, 2, 3, 4].map(() => upload([filePart(bytes)])));
    expect(answers.map((a) => a.status).sort()).toEqual([200, 200, 200, 201]);
    expect(new Set(answers.map((a) => a.body.digest))).toEqual(new Set([sha256(bytes)]));
    expect(await rowsOf(sha256(bytes))).toEqual({ documents: 1, chunks: 3 });
    const orphans = await stack.db.pool.query('SELECT 1 FROM document_chunks c WHERE NOT EXISTS (SELECT 1 FROM documents d WHERE d.content_id = c.content_id)');
    expect(orphans.rowCount).toBe(0);
  });
});

describe('downloads', () => {
  test('the uploader, admins and auditors may download; anyone else is answered 404; each download is in the access log', async () => {
    const bytes = png();
    const digest = (await upload([filePart(bytes, 'site.png', 'image/png')])).body.digest as string;
    const since = new Date(Date.now() - 1000).toISOString();
    for (const who of [uploader, auditor, admin]) expect((await download(digest, who)).bytes.equals(bytes)).toBe(true);
    expect((await download(digest, otherApplicant)).status).toBe(404);
    expect((await download(digest, caseworker)).status).toBe(404);
    expect((await download('0'.repeat(64), admin)).status).toBe(404);
    expect((await call('GET', '/v1/documents/not-a-digest', { as: admin })).status).toBe(400);

    const log = await call('GET', `/v1/audit/access?action=document-download&from=${encodeURIComponent(since)}`, { as: auditor });
    expect(log.status).toBe(200);
    const entries = log.body.items.filter((e: any) => e.document?.digest === digest);
    expect(entries.map((e: any) => [e.actor.sub, e.status, e.caseId]).reverse()).toEqual([
      [uploader.sub, 200, null],
      [auditor.sub, 200, null],
      [admin.sub, 200, null],
    ]);
  });
});

describe('the sweep of unattached uploads', () => {
  test('removes an old unattached document, keeps an attached one and a recent one', async () => {
    const store = new PgDocumentStore(stack.db.pool);
    const [old, attached, recent] = [pdf(), pdf(), pdf()];
    for (const b of [old, attached, recent]) expect((await upload([filePart(b)])).status).toBe(201);
    expect(await attachDocument(stack.db.pool, sha256(attached), 'case-attached')).toBe(true);
    expect(await attachDocument(stack.db.pool, sha256(attached), 'case-attached')).toBe(true); // idempotent
    expect(await attachDocument(stack.db.pool, '1'.repeat(64), 'case-attached')).toBe(false); // no such document
    await stack.db.pool.query(`UPDATE documents SET last_uploaded_at = now() - interval '2 days' WHERE digest = ANY($1)`, [[sha256(old), sha256(attached)]]);

    const { removed } = await sweepUnattached(stack.db.pool, store, stack.config.DOCUMENT_UNATTACHED_TTL);
    expect(removed).toBe(1);
    expect(await store.has(sha256(old))).toBe(false);
    expect(await store.has(sha256(attached))).toBe(true);
    expect(await store.has(sha256(recent))).toBe(true);
    const orphans = await stack.db.pool.query('SELECT 1 FROM document_chunks c WHERE NOT EXISTS (SELECT 1 FROM documents d WHERE d.content_id = c.content_id)');
    expect(orphans.rowCount).toBe(0);
    // An attached document is never removed, not even when asked directly.
    expect(await store.remove(sha256(attached))).toBe(false);
  });
});

describe("the auditor's integrity check", () => {
  test('intact as stored; not intact once a chunk is changed in SQL; auditors only', async () => {
    const bytes = pdf(400_000);
    const digest = (await upload([filePart(bytes)])).body.digest as string;
    const ok = await call('GET', `/v1/documents/${digest}/verify`, { as: auditor });
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({ digest, size: bytes.length, intact: true });
    expect((await call('GET', `/v1/documents/${digest}/verify`, { as: uploader })).status).toBe(403);
    expect((await call('GET', `/v1/documents/${'2'.repeat(64)}/verify`, { as: auditor })).status).toBe(404);

    await stack.db.pool.query(
      `UPDATE document_chunks SET data = set_byte(data, 99, get_byte(data, 99) # 255)
       WHERE content_id = (SELECT content_id FROM documents WHERE digest = $1) AND seq = 1`,
      [digest],
    );
    const tampered = await call('GET', `/v1/documents/${digest}/verify`, { as: auditor });
    expect(tampered.body).toEqual({ digest, size: bytes.length, intact: false });
  });
});

/**
 * Reading one uploaded file from a `multipart/form-data` request as a stream, never whole in
 * memory: busboy parses the parts; the file's first bytes decide its kind (api/documents/sniff.ts)
 * before anything is stored, and every byte is counted against the size limit as it arrives. Any
 * refusal stops reading the request at once (the answer closes the connection, so the rest of the
 * body is never read).
 */
import { withRefusedReplaced } from '../../common/text-rule.js';
import type { IncomingMessage } from 'node:http';
import { PassThrough, type Readable } from 'node:stream';
import busboy from 'busboy';
import { Problem } from '../problem.js';
import { cleanName } from './name.js';
import { sniffMediaType, SNIFF_BYTES, type DocumentMediaType } from './sniff.js';

/** The form field that carries the file. */
export const FILE_FIELD = 'file';

/**
 * What the multipart framing around the file may add to Content-Length (boundaries, part headers
 * with a long file name): a body declaring more than the limit plus this is refused unread.
 */
const FRAMING_ALLOWANCE = 16 * 1024;

export interface Upload {
  name: string;
  mediaType: DocumentMediaType;
  /** The file's bytes, head included; it errors with the Problem if the rest of the request is refused. */
  content: Readable;
}

/** Refusals close the connection: the client may still be sending, and Node would otherwise read it all. */
const refusal = (status: number, detail: string, path = `body.${FILE_FIELD}`) =>
  new Problem(status, detail, [{ path, message: detail }], { Connection: 'close' });

const tooLarge = (maxBytes: number) => refusal(413, `the document is larger than the limit of ${maxBytes} bytes`);

/**
 * Resolves once the file's kind is known (its first SNIFF_BYTES, or the whole file if shorter);
 * rejects with a Problem for a body that is not multipart (415), too large (413), of a kind not
 * accepted (415), empty (400), without the `file` part or with any other part (400).
 */
export function receiveUpload(req: IncomingMessage, maxBytes: number): Promise<Upload> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes + FRAMING_ALLOWANCE) return Promise.reject(tooLarge(maxBytes));
  let parser: busboy.Busboy;
  try {
    // File names in UTF-8 (browsers send them so); busboy drops any path the client sent.
    parser = busboy({ headers: req.headers, defParamCharset: 'utf8', limits: { headerPairs: 20 } });
  } catch {
    return Promise.reject(refusal(415, `send the document as multipart/form-data with one file part named "${FILE_FIELD}"`, 'body'));
  }
  return new Promise((resolve, reject) => {
    const content = new PassThrough();
    const head: Buffer[] = [];
    let headBytes = 0;
    let size = 0;
    let seenFile = false;
    let name = '';
    let resolved = false;
    let failed = false;

    const fail = (problem: Problem) => {
      if (failed) return;
      failed = true;
      req.unpipe(parser);
      req.pause();
      if (resolved) content.destroy(problem);
      else reject(problem);
    };
    const decide = () => {
      if (resolved || failed) return;
      const bytes = Buffer.concat(head);
      if (bytes.length === 0) return fail(refusal(400, 'the document is empty'));
      const mediaType = sniffMediaType(bytes);
      if (!mediaType) return fail(refusal(415, 'the document is not a PDF, PNG, JPEG or OFD file (judged by its content)'));
      resolved = true;
      content.write(bytes);
      resolve({ name, mediaType, content });
    };
    // A part's name is the client's: busboy gives none (undefined) for `name=""`, so it is never
    // assumed a string, and it is shown back with the characters the API never answers replaced
    // (control characters, and a surrogate the cut at 50 may split).
    const partName = (field: string | undefined) => withRefusedReplaced(String(field ?? '').slice(0, 50));
    parser.on('file', (field, file, info) => {
      if (seenFile || field !== FILE_FIELD) {
        file.resume();
        return fail(refusal(400, `the body must hold exactly one part, a file named "${FILE_FIELD}" (got "${partName(field)}")`, 'body'));
      }
      seenFile = true;
      name = cleanName(info.filename);
      file.on('data', (chunk: Buffer) => {
        if (failed) return;
        size += chunk.length;
        if (size > maxBytes) return fail(tooLarge(maxBytes));
        if (!resolved) {
          head.push(chunk);
          headBytes += chunk.length;
          if (headBytes >= SNIFF_BYTES) decide();
        } else if (!content.write(chunk)) {
          // The store is slower than the client: stop reading until it catches up.
          file.pause();
          content.once('drain', () => file.resume());
        }
      });
      file.on('end', decide);
    });
    parser.on('field', (field) => fail(refusal(400, `the body must hold only the file part "${FILE_FIELD}" (got field "${partName(field)}")`, 'body')));
    parser.on('error', () => fail(refusal(400, 'the multipart body is malformed', 'body')));
    // Only once the whole body is parsed is the file complete: a part after it is still refused.
    parser.on('close', () => {
      if (failed) return;
      if (!seenFile) return fail(refusal(400, `the body has no file part named "${FILE_FIELD}"`, 'body'));
      content.end();
    });
    // The client went away mid-upload: whatever was written is rolled back by the store.
    req.on('close', () => {
      if (!req.complete) fail(refusal(400, 'the upload was interrupted', 'body'));
    });
    req.pipe(parser);
  });
}

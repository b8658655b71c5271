/**
 * What a document is, judged by its first bytes (never by the name or the Content-Type the client
 * sent, which anyone can set): only the kinds a one-stop application carries are accepted.
 */

/** The accepted kinds, as stored and answered. */
export const DOCUMENT_MEDIA_TYPES = ['application/pdf', 'image/png', 'image/jpeg', 'application/ofd'] as const;
export type DocumentMediaType = (typeof DOCUMENT_MEDIA_TYPES)[number];

/** Bytes read before judging: a ZIP's first local header (30 bytes) and its entry name fit well within. */
export const SNIFF_BYTES = 512;

const startsWith = (head: Buffer, magic: number[]) => magic.every((b, i) => head[i] === b);

const PDF = [...Buffer.from('%PDF-')];
const PNG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const JPEG = [0xff, 0xd8, 0xff];
const ZIP_LOCAL_HEADER = [0x50, 0x4b, 0x03, 0x04];

/**
 * OFD (GB/T 33190) is a ZIP whose root holds `OFD.xml`, the entry point, which producers write
 * first. We accept a ZIP only when its first local file header names `OFD.xml`: any other ZIP (an
 * Office file, an archive of anything) is refused, and so is an OFD whose producer put another entry
 * first (rare; docs/documents.md says so).
 */
function isOfd(head: Buffer): boolean {
  if (!startsWith(head, ZIP_LOCAL_HEADER) || head.length < 30) return false;
  const nameLength = head.readUInt16LE(26);
  return head.subarray(30, 30 + nameLength).toString('latin1') === 'OFD.xml';
}

/** The kind of a document from its first bytes (up to SNIFF_BYTES of them), or undefined if not accepted. */
export function sniffMediaType(head: Buffer): DocumentMediaType | undefined {
  if (startsWith(head, PDF)) return 'application/pdf';
  if (startsWith(head, PNG)) return 'image/png';
  if (startsWith(head, JPEG)) return 'image/jpeg';
  if (isOfd(head)) return 'application/ofd';
  return undefined;
}

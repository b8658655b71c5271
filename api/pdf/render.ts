/**
 * A decision document as a PDF: one A4 page, Chinese first and English below each text, in an
 * embedded CJK font (subset by pdfkit, so the file stays small), with a QR code of its
 * verification link in the corner and the link written out beneath it for whoever cannot scan.
 */
import PDFDocument from 'pdfkit';
import QRCode from 'qrcode';
import { KIND_TITLES, type Bilingual, type DecisionDocument } from './decision-documents.js';

/** The face inside Debian's NotoSansCJK-Regular.ttc that has the Simplified Chinese glyph forms. */
const CJK_FACE = 'NotoSansCJKsc-Regular';
/** Documents are Chinese government documents: their dates are China Standard Time's. */
const DOCUMENT_TIME_ZONE = 'Asia/Shanghai';

export function issueDate(iso: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: DOCUMENT_TIME_ZONE, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(iso));
}

const LABELS = {
  number: { zh: '编号', en: 'Number' },
  enterprise: { zh: '企业名称', en: 'Enterprise' },
  creditCode: { zh: '统一社会信用代码', en: 'Unified social credit code' },
  issued: { zh: '签发日期', en: 'Date of issue' },
  decided: { zh: '决定内容', en: 'Decided' },
  verify: { zh: '扫描二维码或访问以下网址核验本文件的当前状态', en: 'Scan the QR code or open this address to check the current state of this document' },
} satisfies Record<string, Bilingual>;

export interface RenderOptions {
  /** A font file holding CJK_FACE (PDF_CJK_FONT). */
  fontPath: string;
  /** The absolute verification link the QR code carries. */
  verifyUrl: string;
}

export async function renderDocumentPdf(doc: DecisionDocument, { fontPath, verifyUrl }: RenderOptions): Promise<Buffer> {
  const qr = await QRCode.toBuffer(verifyUrl, { type: 'png', errorCorrectionLevel: 'M', margin: 2, scale: 6 });
  const pdf = new PDFDocument({ size: 'A4', margin: 56, info: { Title: `${KIND_TITLES[doc.kind].en} ${doc.number}`, Producer: 'OneStop' } });
  const chunks: Buffer[] = [];
  pdf.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    pdf.on('end', () => resolve(Buffer.concat(chunks)));
    pdf.on('error', reject);
  });

  pdf.registerFont('cjk', fontPath, CJK_FACE);
  pdf.font('cjk');
  const width = pdf.page.width - 2 * 56;
  const qrSize = 120;
  pdf.image(qr, pdf.page.width - 56 - qrSize, 56, { width: qrSize });

  const title = KIND_TITLES[doc.kind];
  pdf.fontSize(22).text(title.zh, 56, 64, { width: width - qrSize - 12 });
  pdf
    .fontSize(14)
    .fillColor('#333333')
    .text(title.en, { width: width - qrSize - 12 });
  pdf.moveDown(3).fillColor('black');

  const field = (label: Bilingual, value: string) => {
    pdf.fontSize(10).fillColor('#555555').text(`${label.zh}  ${label.en}`, 56, undefined, { width });
    pdf.fontSize(13).fillColor('black').text(value, { width }).moveDown(0.6);
  };
  field(LABELS.number, doc.number);
  field(LABELS.enterprise, doc.enterprise.name);
  field(LABELS.creditCode, doc.enterprise.creditCode);
  field(LABELS.issued, issueDate(doc.issuedAt));

  pdf.moveDown(0.5).fontSize(10).fillColor('#555555').text(`${LABELS.decided.zh}  ${LABELS.decided.en}`, { width });
  pdf.fillColor('black');
  for (const line of doc.lines) {
    pdf.fontSize(12).text(line.zh, { width, indent: 12 });
    pdf.fontSize(10).fillColor('#333333').text(line.en, { width, indent: 12 }).fillColor('black').moveDown(0.4);
  }

  pdf.moveDown(2).fontSize(9).fillColor('#555555').text(LABELS.verify.zh, { width });
  pdf.text(LABELS.verify.en, { width });
  pdf.fillColor('black').text(verifyUrl, { width, link: verifyUrl });
  pdf.end();
  return done;
}

/**
 * The public verification page a decision document's QR code opens: no sign-in, and only what the
 * document itself shows publicly (its kind, number, enterprise, issue date) with its state now.
 * Nothing personal (no contact, no details, no case id). A wrong code, an unknown number and a
 * document not (yet) in the case answer the same 404, so trying numbers reveals nothing; each
 * address is held to RATE_LIMIT_VERIFY_PER_MINUTE besides.
 *
 * A browser gets a small server-rendered page in both languages (no script: the CSP allows none;
 * its inline styles are allowed by helmet's default `style-src`); `Accept: application/json`, JSON.
 */
import type { Request } from 'express';
import { z } from 'zod';
import { caseByDocumentNumber } from '../../db/document-numbers.js';
import type { Pool } from '../../db/pool.js';
import type { Config } from '../../infra/config.js';
import { DOCUMENT_KINDS, DOCUMENT_STATES, documentOf, KIND_TITLES, STATE_TITLES, type DecisionDocument, type DocumentKind } from '../pdf/decision-documents.js';
import { issueDate } from '../pdf/render.js';
import { notFound } from '../problem.js';
import type { Reply, Routes } from '../route.js';
import { codeMatches } from '../verify-code.js';

const Bilingual = z.object({ zh: z.string(), en: z.string() });

const VerificationSchema = z
  .object({
    kind: z.enum(DOCUMENT_KINDS),
    kindTitle: Bilingual,
    number: z.string(),
    enterprise: z.object({ name: z.string() }),
    issuedOn: z.string().describe('Date of issue (YYYY-MM-DD, China Standard Time)'),
    state: z.enum(DOCUMENT_STATES).describe('The document’s state now, from its case'),
    stateTitle: Bilingual,
  })
  .meta({ id: 'DocumentVerification' });
type Verification = z.infer<typeof VerificationSchema>;

// Loose on purpose: whatever does not name a document gets the one 404, not a 400 that says why.
const VerifyParams = z.strictObject({ kind: z.string().max(50), number: z.string().max(120), code: z.string().max(64) });

const NOT_FOUND = { zh: '未找到该文件，或核验码不正确。', en: 'No such document, or the check code is wrong.' };

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const both = (t: { zh: string; en: string }) => `<span lang="zh-CN">${escape(t.zh)}</span> <span lang="en">${escape(t.en)}</span>`;

const STYLE = `body{font-family:"Noto Sans CJK SC",sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;color:#1a1a1a}
dt{color:#555;font-size:.9rem;margin-top:1rem}dd{margin:0;font-size:1.15rem}.state{font-weight:bold}
.valid{color:#0a6b2d}.suspended,.superseded{color:#8a5a00}.revoked,.withdrawn{color:#a11}`;

function page(title: string, body: string): string {
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="robots" content="noindex"><title>${escape(title)}</title><style>${STYLE}</style></head><body>${body}</body></html>`;
}

function verifiedPage(v: Verification): string {
  const row = (label: { zh: string; en: string }, value: string, cls = '') => `<dt>${both(label)}</dt><dd${cls && ` class="${cls}"`}>${value}</dd>`;
  return page(
    `${v.kindTitle.en} ${v.number}`,
    `<main><h1>${both({ zh: '文件核验', en: 'Document verification' })}</h1><dl>
${row({ zh: '文件类型', en: 'Document' }, both(v.kindTitle))}
${row({ zh: '编号', en: 'Number' }, escape(v.number))}
${row({ zh: '企业名称', en: 'Enterprise' }, escape(v.enterprise.name))}
${row({ zh: '签发日期', en: 'Date of issue' }, escape(v.issuedOn))}
${row({ zh: '当前状态', en: 'State now' }, both(v.stateTitle), `state ${v.state}`)}
</dl></main>`,
  );
}

const notFoundPage = () => page('404', `<main><h1>${both({ zh: '无法核验', en: 'Not verified' })}</h1><p>${both(NOT_FOUND)}</p></main>`);

function verification(doc: DecisionDocument): Verification {
  return {
    kind: doc.kind,
    kindTitle: KIND_TITLES[doc.kind],
    number: doc.number,
    enterprise: { name: doc.enterprise.name },
    issuedOn: issueDate(doc.issuedAt),
    state: doc.state,
    stateTitle: STATE_TITLES[doc.state],
  };
}

const wantsJson = (req: Request) => req.accepts(['text/html', 'application/json']) === 'application/json';

export function verifyRoutes(routes: Routes, pool: Pool, config: Config): void {
  routes.add({
    method: 'get',
    path: '/verify/:kind/:number/:code',
    summary: 'Verify a decision document (public; the link its QR code carries): an HTML page, or JSON with Accept: application/json',
    tag: 'verification',
    public: true,
    limit: 'verify',
    params: VerifyParams,
    responses: {
      200: { description: 'The document and its state now', schema: VerificationSchema, also: { 'text/html': z.string() } },
      404: { description: 'No such document, or a wrong check code (the same answer for both)', also: { 'text/html': z.string() } },
    },
    handler: async ({ params, req }): Promise<Reply> => {
      const { kind, number, code } = params;
      const known = (DOCUMENT_KINDS as readonly string[]).includes(kind) && codeMatches(config.VERIFY_SECRET, kind, number, code);
      const view = known ? await caseByDocumentNumber(pool, number) : undefined;
      const doc = view && documentOf(view, kind as DocumentKind);
      if (!doc || doc.number !== number) {
        if (wantsJson(req)) throw notFound(NOT_FOUND.en);
        return { status: 404, body: notFoundPage(), contentType: 'text/html' };
      }
      const v = verification(doc);
      return wantsJson(req) ? { body: v } : { body: verifiedPage(v), contentType: 'text/html' };
    },
  });
}

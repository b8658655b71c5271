/**
 * What an applicant files when it opens a case (`details`), per process: one-stop details are
 * free-form; produce-first details carry the pledge and the missing qualifications (which must be
 * obligations of the template); claim details carry the claim in the template's currency. Kept with
 * the templates because each rule reads the template; the API turns a refusal into a 400.
 */
import { z } from 'zod';
import type { ClaimDetails, ProduceFirstDetails } from '../common/types.js';
import { Money, Slug, Text, type ClaimTemplate, type ProduceFirstTemplate, type Template } from './schema.js';

/** Produce first: what the enterprise files when it opens a case. */
export const ProduceFirstDetailsBody = z
  .strictObject({
    pledge: z.strictObject({ signedBy: Text(200), text: Text(20_000) }),
    products: z
      .array(z.strictObject({ name: Text(200), description: Text(2000).optional() }))
      .min(1)
      .max(100),
    missing: z.array(Slug).min(1).max(50).optional().meta({ description: 'qualification ids the enterprise lacks; default every obligation of the template' }),
  })
  .meta({ id: 'ProduceFirstDetails' });

/** Claims: what the enterprise files; amounts are integer minor units. */
export const ClaimDetailsBody = z
  .strictObject({
    policyNumber: Text(100),
    claimedAmount: Money.refine((m) => m.amount > 0, { message: 'the claimed amount must be positive', path: ['amount'] }),
    loss: z.strictObject({ description: Text(10_000), occurredAt: z.union([z.iso.datetime({ offset: true }), z.iso.date()]) }),
    evidence: z
      .array(z.strictObject({ name: Text(200), ref: Text(500) }))
      .max(100)
      .default([]),
  })
  .meta({ id: 'ClaimDetails' });

/** A refusal that the schema alone cannot express; `path` is relative to `details`. */
export class CaseDetailsRefusal extends Error {
  constructor(
    message: string,
    readonly errors: { path: string; message: string }[],
  ) {
    super(message);
  }
}

/** The details the case starts with, or a ZodError / CaseDetailsRefusal saying what is wrong. */
export function caseDetails(template: Template, raw: Record<string, unknown>): Record<string, unknown> {
  if (template.kind === 'claim-prepayment') return claimDetails(template, raw) as unknown as Record<string, unknown>;
  if (template.kind === 'produce-first-certify-later') return produceFirstDetails(template, raw) as unknown as Record<string, unknown>;
  return raw;
}

function produceFirstDetails(template: ProduceFirstTemplate, raw: Record<string, unknown>): ProduceFirstDetails {
  const parsed = ProduceFirstDetailsBody.parse(raw);
  const known = template.obligations.map((o) => o.qualification);
  const missing = parsed.missing ?? known;
  const unknown = missing.map((q, i) => ({ q, i })).filter(({ q }) => !known.includes(q));
  if (unknown.length) {
    throw new CaseDetailsRefusal(
      `unknown qualification(s) ${unknown.map((u) => u.q).join(', ')}; this template's obligations are ${known.join(', ')}`,
      unknown.map(({ q, i }) => ({ path: `missing.${i}`, message: `not an obligation of this template: ${q}` })),
    );
  }
  return { ...parsed, missing: [...new Set(missing)] };
}

/** Claims are in the policy's currency: the template's threshold currency. */
function claimDetails(template: ClaimTemplate, raw: Record<string, unknown>): ClaimDetails {
  const parsed = ClaimDetailsBody.parse(raw);
  const expected = template.prepayment.approvalThreshold.currency;
  if (parsed.claimedAmount.currency !== expected) {
    throw new CaseDetailsRefusal(`claims under ${template.id} are in ${expected}`, [
      { path: 'claimedAmount.currency', message: `expected ${expected}, got ${parsed.claimedAmount.currency}` },
    ]);
  }
  return parsed;
}

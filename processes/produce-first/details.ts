/**
 * What an enterprise files when it asks to produce first: the pledge, the products, and the
 * qualifications it lacks, each of which must be an obligation of the template (all of them when
 * omitted).
 */
import { z } from 'zod';
import { Slug, Text } from '../../templates/schema.js';
import { CaseDetailsRefusal } from '../details-refusal.js';
import type { ProduceFirstTemplate } from './template.js';

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

/** The details a produce-first case starts with: missing qualifications filled in and deduplicated. */
export type ProduceFirstDetails = Omit<z.output<typeof ProduceFirstDetailsBody>, 'missing'> & { missing: string[] };

/** The details the case starts with, or a ZodError / CaseDetailsRefusal saying what is wrong. */
export function produceFirstDetails(template: ProduceFirstTemplate, raw: Record<string, unknown>): ProduceFirstDetails {
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

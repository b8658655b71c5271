/**
 * What an enterprise files when it asks to produce first: the pledge, the products, and the
 * qualifications it lacks, each of which must be an obligation of the template (all of them when
 * omitted).
 */
import { z } from 'zod';
import { named, Slug, Text } from '../../templates/schema.js';
import type { ProduceFirstTemplate } from './template.js';

/** Produce first: what the enterprise files when it opens a case. */
export const ProduceFirstDetailsBody = z
  .strictObject({
    pledge: z
      .strictObject({ signedBy: Text(200).meta(named('Signed by', '签署人')), text: Text(20_000).meta(named('The pledge', '承诺内容')) })
      .meta(named('Pledge', '承诺书')),
    products: z
      .array(
        z.strictObject({
          name: Text(200).meta(named('Product', '产品名称')),
          description: Text(2000).optional().meta(named('Description', '产品说明')),
        }),
      )
      .min(1)
      .max(100)
      .meta(named('Products', '产品')),
    missing: z.array(Slug).min(1).max(50).optional().meta({ description: 'qualification ids the enterprise lacks; default every obligation of the template' }),
  })
  .meta({ id: 'ProduceFirstDetails' });

/** The details a produce-first case starts with: missing qualifications filled in and deduplicated. */
export type ProduceFirstDetails = Omit<z.output<typeof ProduceFirstDetailsBody>, 'missing'> & { missing: string[] };

/** Produce first under `template`: the missing qualifications are obligations of this template. */
export function produceFirstDetailsSchema(template: ProduceFirstTemplate) {
  const known = template.obligations.map((o) => o.qualification) as [string, ...string[]];
  return ProduceFirstDetailsBody.extend({
    missing: z
      .array(z.enum(known, { error: (iss) => `not an obligation of this template: ${String(iss.input)} (its obligations are ${known.join(', ')})` }))
      .min(1)
      .max(50)
      .optional()
      .meta({
        ...named('Qualifications lacking', '尚缺的资质'),
        description: 'qualification ids the enterprise lacks; default every obligation of the template',
      }),
  });
}

/** The details the case starts with (every obligation missing when none is named), or a ZodError saying what is wrong. */
export function produceFirstDetails(template: ProduceFirstTemplate, raw: Record<string, unknown>): ProduceFirstDetails {
  const parsed = produceFirstDetailsSchema(template).parse(raw);
  const missing = parsed.missing ?? template.obligations.map((o) => o.qualification);
  return { ...parsed, missing: [...new Set(missing)] };
}

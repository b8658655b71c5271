/**
 * An emergency fund pool's terms, as an admin deploys them (versioned data, like templates and
 * calendars): how much the pool holds, how much one enterprise may owe it at once, the longest term
 * of a loan, and who may apply. The balance is not here: it is PostgreSQL's (db/fund-pools.ts).
 */
import { z } from 'zod';
import { IsoDuration, Money, Slug, Text } from './schema.js';

const Positive = Money.extend({ amount: Money.shape.amount.min(1, 'must be positive') });

export const FundPool = z
  .strictObject({
    id: Slug,
    title: Text(200),
    /** What the pool holds, e.g. 100,000,000.00 CNY (10,000,000,000 fen). */
    total: Positive,
    /** The most one enterprise may owe the pool at once (reserved and disbursed, less what it repaid). */
    perEnterpriseCeiling: Positive,
    /** The longest term of a loan, from disbursement to the repayment date, e.g. P90D. */
    maxTerm: IsoDuration,
    /** Who may apply: any enterprise, or only those on the key-SME list. */
    eligibility: z.enum(['any', 'key-sme']),
  })
  .refine((p) => p.perEnterpriseCeiling.currency === p.total.currency, {
    message: 'the ceiling is in the pool’s currency',
    path: ['perEnterpriseCeiling', 'currency'],
  })
  .refine((p) => p.perEnterpriseCeiling.amount <= p.total.amount, { message: 'the ceiling cannot exceed the pool', path: ['perEnterpriseCeiling', 'amount'] })
  .meta({ id: 'FundPool' });
export type FundPool = z.infer<typeof FundPool>;

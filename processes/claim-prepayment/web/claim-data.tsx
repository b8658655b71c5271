/**
 * What the claim's browser panels read besides the case view: the template version the case runs
 * under (its ratio, threshold and approver department are not in the view), and the claim's money
 * picked out of the view. Every type comes from the generated API schema.
 */
import { api, ok, type Schemas } from '../../../web/src/api/client';
import type { paths } from '../../../web/src/api/schema';
import type { CaseView } from '../../../web/src/api/types';
import { isMoney, type Money } from '../../../web/src/money';
import type { ApproveExtra } from '../../../web/src/processes';
import { useAsync } from '../../../web/src/ui';

type DeployBody = paths['/v1/templates']['post']['requestBody']['content']['application/json'];
/** A claim template as deployed (the deploy body's claim variant). */
export type ClaimTemplate = Extract<DeployBody, { kind: 'claim-prepayment' }>;
export type Payment = NonNullable<CaseView['payments']>[number];
export type Prepayment = NonNullable<CaseView['prepayment']>;
export type Settlement = NonNullable<CaseView['settlement']>;

// A template version never changes once deployed, so one read per version serves every panel.
const templates = new Map<string, Promise<ClaimTemplate>>();

async function readTemplate(id: string, version: number): Promise<ClaimTemplate> {
  const stored: Schemas['StoredTemplate'] = await ok(api.GET('/v1/templates/{id}', { params: { path: { id }, query: { version } } }));
  if (stored.kind !== 'claim-prepayment') throw new Error(`template ${id} v${version} is not a claim template`);
  return stored as ClaimTemplate;
}

function claimTemplate(id: string, version: number): Promise<ClaimTemplate> {
  const key = `${id}@${version}`;
  let found = templates.get(key);
  if (!found) {
    found = readTemplate(id, version);
    // A failed read is not kept: the next panel asks again.
    found.catch(() => templates.delete(key));
    templates.set(key, found);
  }
  return found;
}

/** The template version the case runs under (loading, failed or read). */
export function useClaimTemplate(view: CaseView) {
  return useAsync(() => claimTemplate(view.templateId, view.templateVersion), [view.templateId, view.templateVersion]);
}

/** The amount the enterprise claimed (the details' `claimedAmount`). */
export function claimedAmount(view: CaseView): Money | undefined {
  const claimed = view.details.claimedAmount;
  return isMoney(claimed) ? claimed : undefined;
}

/** What the advance paid on the claim comes to (zero before one is paid), in the claim's currency. */
export function prepaidAmount(view: CaseView, currency: string): Money {
  const paid = (view.payments ?? []).filter((p) => p.purpose === 'prepayment');
  return { amount: paid.reduce((sum, p) => sum + p.amount.amount, 0), currency };
}

/** The name a decision recorded for `sub` (the view keeps only user ids for the prepayment), else the id. */
export function personOf(view: CaseView, sub: string | null): string | null {
  if (!sub) return null;
  const name = view.tasks.find((task) => task.decidedBy === sub)?.decidedByName;
  return name && name !== sub ? `${name} (${sub})` : sub;
}

/** An amount as a decision sends it; its currency is the claim's own, as the API gave it in the view. */
export function decisionAmount(money: Money): ApproveExtra {
  return { amount: { amount: money.amount, currency: money.currency as NonNullable<ApproveExtra['amount']>['currency'] } };
}

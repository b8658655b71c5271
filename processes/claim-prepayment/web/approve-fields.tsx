/**
 * The amount that goes with approving a claim's task, typed in yuan and sent in fen: the adjuster's
 * proposed prepayment (at most the cap; above the template's threshold a second person must approve
 * it) and the assessor's assessed amount (at most the claim; the settlement pays the remainder or
 * records a recovery). What the amount will lead to is said as it is typed. Amounts above the cap or
 * the claim, and a zero advance, are flagged here but still sent: the workflow is the judge, and its refusal is shown.
 */
import type { ComponentType } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { Task } from '../../../web/src/api/types';
import { messages } from '../../../web/src/i18n';
import { fmtMoney, MoneyInput, type Money } from '../../../web/src/money';
import type { ApproveFieldsProps } from '../../../web/src/processes';
import { claimedAmount, decisionAmount, prepaidAmount, useClaimTemplate } from './claim-data';
import { fmtRatio } from './format';

const m = messages(
  {
    proposed: 'Proposed prepayment',
    capHint: 'At most {cap}: {ratio} of the claimed {claimed}.',
    capOnly: 'At most {cap}.',
    aboveCap: '{amount} is above the cap of {cap}: it will be refused.',
    notPositive: 'A prepayment must be more than zero; to pay no advance, reject the task instead.',
    needsApproval: 'Above the approval threshold of {threshold}: a second person of {dept} must approve this advance before it is paid.',
    paidAtOnce: 'At or below the approval threshold of {threshold}: the advance is paid as soon as you approve.',
    assessed: 'Assessed amount',
    assessedHint: 'At most the claimed {claimed}; {prepaid} was paid in advance.',
    aboveClaim: '{amount} is above the claimed {claimed}: it will be refused.',
    payRemainder: 'The settlement pays the remaining {remainder} to {payee}.',
    recover: 'The advance exceeds the assessment: {recovery} is recorded for recovery from {payee}.',
    nothingDue: 'The advance covers the assessment: nothing more is due.',
  },
  {
    proposed: '拟预付金额',
    capHint: '最多 {cap}：索赔金额 {claimed} 的 {ratio}。',
    capOnly: '最多 {cap}。',
    aboveCap: '{amount} 超过预付上限 {cap}，将被拒绝。',
    notPositive: '预付金额必须大于零；如不预付，请改为驳回此任务。',
    needsApproval: '超过审批门槛 {threshold}：须由 {dept} 的另一人批准后方可支付。',
    paidAtOnce: '不超过审批门槛 {threshold}：您批准后即支付预付款。',
    assessed: '核定金额',
    assessedHint: '最多为索赔金额 {claimed}；已预付 {prepaid}。',
    aboveClaim: '{amount} 超过索赔金额 {claimed}，将被拒绝。',
    payRemainder: '结案时向 {payee} 支付余款 {remainder}。',
    recover: '预付款超过核定金额：记录向 {payee} 追回 {recovery}。',
    nothingDue: '预付款与核定金额相同：无须再付款。',
  },
);

/** Reports the typed amount to the task card as the decision's extra (null while it is not an amount). */
function useReported(onChange: ApproveFieldsProps['onChange']) {
  const [money, setMoney] = useState<Money | null>(null);
  useEffect(() => onChange(money && decisionAmount(money)), [money, onChange]);
  return [money, setMoney] as const;
}

/** What the typed amount will lead to, announced as it changes; a warning when it will be refused. */
function Effect({ text, refused }: { text: string; refused: boolean }) {
  return (
    <p class={refused ? 'field-error' : 'hint'} aria-live="polite" data-testid="amount-effect">
      {text}
    </p>
  );
}

function ProposalFields({ view, onChange }: ApproveFieldsProps) {
  const template = useClaimTemplate(view).data;
  const [money, setMoney] = useReported(onChange);
  // Only offered for a claim's prepayment task, whose view always has the prepayment.
  const cap = view.prepayment?.cap;
  if (!cap) return null;
  const claimed = claimedAmount(view);
  const threshold = template?.prepayment.approvalThreshold;
  const hint =
    template && claimed
      ? m('capHint', { cap: fmtMoney(cap), ratio: fmtRatio(template.prepayment.maxRatio), claimed: fmtMoney(claimed) })
      : m('capOnly', { cap: fmtMoney(cap) });
  const refused = !!money && (money.amount > cap.amount || money.amount <= 0);
  let effect = '';
  if (money && money.amount <= 0) effect = m('notPositive');
  else if (money && refused) effect = m('aboveCap', { amount: fmtMoney(money), cap: fmtMoney(cap) });
  else if (money && threshold) {
    effect =
      money.amount > threshold.amount
        ? m('needsApproval', { threshold: fmtMoney(threshold), dept: template.prepayment.approverDept })
        : m('paidAtOnce', { threshold: fmtMoney(threshold) });
  }
  return (
    <div class="stack claim-amount" data-field="prepayment">
      <MoneyInput label={m('proposed')} currency={cap.currency} hint={hint} onChange={setMoney} />
      <Effect text={effect} refused={refused} />
    </div>
  );
}

function AssessmentFields({ view, onChange }: ApproveFieldsProps) {
  const [money, setMoney] = useReported(onChange);
  const claimed = claimedAmount(view);
  if (!claimed) return null;
  const prepaid = prepaidAmount(view, claimed.currency);
  const payee = view.applicant.name;
  const above = !!money && money.amount > claimed.amount;
  let effect = '';
  if (money && above) effect = m('aboveClaim', { amount: fmtMoney(money), claimed: fmtMoney(claimed) });
  else if (money) {
    const remainder = money.amount - prepaid.amount;
    effect =
      remainder > 0
        ? m('payRemainder', { remainder: fmtMoney({ amount: remainder, currency: claimed.currency }), payee })
        : remainder < 0
          ? m('recover', { recovery: fmtMoney({ amount: -remainder, currency: claimed.currency }), payee })
          : m('nothingDue');
  }
  return (
    <div class="stack claim-amount" data-field="assessment">
      <MoneyInput
        label={m('assessed')}
        currency={claimed.currency}
        hint={m('assessedHint', { claimed: fmtMoney(claimed), prepaid: fmtMoney(prepaid) })}
        onChange={setMoney}
      />
      <Effect text={effect} refused={above} />
    </div>
  );
}

/**
 * The amount fields of a claim's task, for the two tasks approved with an amount. The same component
 * for every render, so the typed text survives the case page's re-renders (a refusal keeps it).
 */
export function claimApproveFields(task: Task): ComponentType<ApproveFieldsProps> | undefined {
  if (task.taskId === 'prepayment') return ProposalFields;
  if (task.taskId === 'assessment') return AssessmentFields;
  return undefined;
}

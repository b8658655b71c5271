/**
 * A claim's own state on its case page: the acknowledgement, the prepayment (the cap and the rules
 * of the template version the case runs under, the proposal and who proposed and approved it), the
 * ledger of payments made (each with its reference and idempotency key) and the settlement. Money is
 * shown in its currency from integer minor units; times in local time.
 */
import type { ComponentChildren } from 'preact';
import { messages } from '../../../web/src/i18n';
import { fmtMoney } from '../../../web/src/money';
import type { CasePanelProps } from '../../../web/src/processes';
import { ProblemView, Table, Time, type Column } from '../../../web/src/ui';
import type { CaseView } from '../../../web/src/api/types';
import { claimedAmount, personOf, useClaimTemplate, type Payment, type Prepayment, type Settlement } from './claim-data';
import { fmtRatio } from './format';

const m = messages(
  {
    title: 'Claim and prepayment',
    acknowledgement: 'Acknowledgement',
    acceptedAt: 'Accepted at',
    notAccepted: 'Not accepted yet',
    prepayment: 'Prepayment',
    cap: 'Cap',
    rules: 'Rules',
    rulesText: 'at most {ratio} of the claimed {claimed}; above {threshold} approved by {dept}',
    proposed: 'Proposed',
    proposedBy: 'Proposed by',
    approvedBy: 'Approved by',
    declined: 'Declined',
    declinedText: 'No advance: the adjuster declined a prepayment',
    awaitingApproval: 'Awaiting approval by {dept}',
    no: 'no',
    payments: 'Payments',
    noPayments: 'No payment made yet.',
    purpose: 'Purpose',
    'purpose.prepayment': 'Prepayment',
    'purpose.settlement': 'Settlement',
    amount: 'Amount',
    payee: 'Payee',
    paidAt: 'Paid at',
    reference: 'Reference',
    paymentId: 'Idempotency key',
    settlement: 'Settlement',
    notSettled: 'Not settled yet.',
    assessed: 'Assessed',
    prepaid: 'Prepaid',
    remainder: 'Remainder',
    recovery: 'Recovery',
    noRecovery: 'none',
  },
  {
    title: '理赔与预付',
    acknowledgement: '受理',
    acceptedAt: '受理时间',
    notAccepted: '尚未受理',
    prepayment: '预付',
    cap: '预付上限',
    rules: '规则',
    rulesText: '最多为索赔金额 {claimed} 的 {ratio}；超过 {threshold} 须由 {dept} 批准',
    proposed: '拟预付',
    proposedBy: '提议人',
    approvedBy: '批准人',
    declined: '不预付',
    declinedText: '无预付款：理算人员决定不预付',
    awaitingApproval: '等待 {dept} 批准',
    no: '否',
    payments: '付款',
    noPayments: '尚无付款。',
    purpose: '用途',
    'purpose.prepayment': '预付款',
    'purpose.settlement': '结案付款',
    amount: '金额',
    payee: '收款人',
    paidAt: '付款时间',
    reference: '付款凭证号',
    paymentId: '幂等键',
    settlement: '结案',
    notSettled: '尚未结案。',
    assessed: '核定金额',
    prepaid: '已预付',
    remainder: '余额',
    recovery: '追回',
    noRecovery: '无',
  },
);

/** Labelled rows (a `dl`), skipping the rows that have nothing to show. */
function Rows({ rows }: { rows: [string, ComponentChildren | null][] }) {
  return (
    <dl>
      {rows
        .filter(([, value]) => value !== null)
        .map(([label, value]) => (
          <>
            <dt key={`k${label}`}>{label}</dt>
            <dd key={`v${label}`}>{value}</dd>
          </>
        ))}
    </dl>
  );
}

const money = (amount: Payment['amount'] | null) => (amount ? <span class="money">{fmtMoney(amount)}</span> : null);

function PrepaymentCard({ view, prepayment }: { view: CaseView; prepayment: Prepayment }) {
  const template = useClaimTemplate(view);
  const claimed = claimedAmount(view);
  const rules = template.data?.prepayment;
  const awaiting = rules && view.tasks.some((task) => task.taskId === 'prepayment-approval' && task.status === 'open');
  return (
    <section class="card" data-section="prepayment">
      <h3>{m('prepayment')}</h3>
      <ProblemView error={template.error} />
      <Rows
        rows={[
          [m('cap'), money(prepayment.cap)],
          [
            m('rules'),
            rules && claimed
              ? m('rulesText', {
                  ratio: fmtRatio(rules.maxRatio),
                  claimed: fmtMoney(claimed),
                  threshold: fmtMoney(rules.approvalThreshold),
                  dept: rules.approverDept,
                })
              : null,
          ],
          [m('proposed'), prepayment.proposed ? money(prepayment.proposed) : '—'],
          [m('proposedBy'), personOf(view, prepayment.proposedBy) ?? '—'],
          [m('approvedBy'), personOf(view, prepayment.approvedBy) ?? (awaiting ? m('awaitingApproval', { dept: rules.approverDept }) : '—')],
          [m('declined'), prepayment.declined ? m('declinedText') : m('no')],
        ]}
      />
    </section>
  );
}

function PaymentsCard({ payments }: { payments: Payment[] }) {
  const columns: Column<Payment>[] = [
    { label: m('purpose'), cell: (p) => m(`purpose.${p.purpose}`) },
    { label: m('amount'), cell: (p) => money(p.amount), class: 'money' },
    {
      label: m('payee'),
      cell: (p) => (
        <>
          {p.payee.name} <code>{p.payee.creditCode}</code>
        </>
      ),
    },
    { label: m('paidAt'), cell: (p) => <Time iso={p.paidAt} /> },
    { label: m('reference'), cell: (p) => <code>{p.reference}</code> },
    { label: m('paymentId'), cell: (p) => <code>{p.paymentId}</code> },
  ];
  return (
    <section class="card" data-section="payments">
      <h3>{m('payments')}</h3>
      <Table
        class="payments"
        columns={columns}
        rows={payments}
        rowKey={(p) => p.paymentId}
        rowAttrs={(p) => ({ 'data-purpose': p.purpose })}
        empty={<p class="muted">{m('noPayments')}</p>}
      />
    </section>
  );
}

function SettlementCard({ settlement }: { settlement: Settlement | null }) {
  const recovery = settlement?.recovery;
  return (
    <section class="card" data-section="settlement">
      <h3>{m('settlement')}</h3>
      {settlement ? (
        <Rows
          rows={[
            [m('assessed'), money(settlement.assessed)],
            [m('prepaid'), money(settlement.prepaid)],
            [m('remainder'), money(settlement.remainder)],
            [
              m('recovery'),
              recovery ? (
                <>
                  {money(recovery.amount)} · <Time iso={recovery.recordedAt} /> · {recovery.reason}
                </>
              ) : (
                m('noRecovery')
              ),
            ],
          ]}
        />
      ) : (
        <p class="muted">{m('notSettled')}</p>
      )}
    </section>
  );
}

export function ClaimPanel({ view }: CasePanelProps) {
  const { prepayment } = view;
  return (
    <section class="process-panel stack" data-panel="claim-prepayment">
      <h2>{m('title')}</h2>
      <div class="grid">
        <section class="card" data-section="acknowledgement">
          <h3>{m('acknowledgement')}</h3>
          <Rows rows={[[m('acceptedAt'), view.acceptedAt ? <Time iso={view.acceptedAt} /> : m('notAccepted')]]} />
        </section>
        {prepayment && <PrepaymentCard view={view} prepayment={prepayment} />}
        <SettlementCard settlement={view.settlement ?? null} />
      </div>
      <PaymentsCard payments={view.payments ?? []} />
    </section>
  );
}

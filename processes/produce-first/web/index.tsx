/**
 * Produce first, certify later in the browser: the pledge the enterprise produces on, the permit's
 * state and history, the certificates to obtain with their filings and verifications, and the form
 * that files a certificate. Verifying one is its verification task's Approve or Reject, on the case
 * page with every other task.
 */
import { useState } from 'preact/hooks';
import type { CaseView } from '../../../web/src/api/types';
import { fmtTime, messages } from '../../../web/src/i18n';
import type { CasePanelProps, ProcessWeb, StatusLabels } from '../../../web/src/processes';
import type { ProduceFirstStatus } from '../status';
import { hasRole } from '../../../web/src/session';
import { CertificateForm, formId } from './certificate-form';
import { ObligationsTable } from './obligations';
import { PermitCard, PledgeCard } from './permit';
import { m } from './strings';

function ProduceFirstPanel({ view, actor, act }: CasePanelProps) {
  const ownEnterprise = hasRole(actor, 'applicant') && actor.org === view.applicant.creditCode;
  const openingDept = hasRole(actor, 'caseworker') && !!actor.dept && actor.dept === view.openedByDept;
  // A certificate is taken under a permit in force or suspended, for an obligation neither verified nor awaiting verification.
  const takesCertificates = view.status === 'provisional' || view.status === 'suspended';
  const fileable =
    takesCertificates && (ownEnterprise || openingDept) ? (view.obligations ?? []).filter((o) => o.status === 'pending' || o.status === 'overdue') : [];
  // The obligation whose filing form is open: one at a time, under the buttons.
  const [filing, setFiling] = useState<string>();
  return (
    <div class="process-panel stack" data-panel="produce-first">
      <div class="grid">
        <PledgeCard view={view} />
        <PermitCard view={view} />
      </div>
      <section class="card" data-panel="obligations">
        <h2>{m('obligations')}</h2>
        <ObligationsTable view={view} actor={actor} />
        {fileable.length > 0 && (
          <>
            <h3>{m('fileCertificate')}</h3>
            {openingDept && <p class="muted">{m('onBehalf', { name: view.applicant.name })}</p>}
            <div class="actions">
              {fileable.map((o) => (
                <button
                  key={o.qualification}
                  type="button"
                  aria-expanded={filing === o.qualification}
                  aria-controls={formId(o.qualification)}
                  onClick={() => setFiling(filing === o.qualification ? undefined : o.qualification)}
                >
                  {m('fileFor', { title: o.title })}
                </button>
              ))}
            </div>
            {fileable.map((o) => (
              // A new round after a rejection is a new form, with a new Idempotency-Key.
              <CertificateForm
                key={`${o.qualification}:${o.filings.length}`}
                caseId={view.caseId}
                obligation={o}
                act={act}
                shown={filing === o.qualification}
                onClose={() => setFiling(undefined)}
              />
            ))}
          </>
        )}
      </section>
    </div>
  );
}

const statusLabels: StatusLabels<ProduceFirstStatus> = {
  provisional: { en: 'provisional permit', zh: '临时许可' },
  suspended: { en: 'suspended', zh: '已暂停' },
  certified: { en: 'certified', zh: '已取证' },
  revoked: { en: 'revoked', zh: '已撤销' },
};

const says = messages(
  {
    provisional: 'Provisional permit: produce under it; {n} certificates to file',
    provisionalFiled: 'Provisional permit: produce under it; your certificates are being verified',
    suspended: 'Permit suspended: file the overdue certificates before {revokeAt}, when it is revoked',
    certified: 'Certified: every certificate is verified',
    revoked: 'Permit revoked',
  },
  {
    provisional: '临时许可：可据此生产；还需提交 {n} 份证书',
    provisionalFiled: '临时许可：可据此生产；您提交的证书正在核验',
    suspended: '许可已暂停：请在 {revokeAt} 前提交逾期证书，否则许可将被撤销',
    certified: '已取证：全部证书均已核验',
    revoked: '许可已撤销',
  },
);

/** The permit's states in the enterprise's words; in review and waiting for documents are the engine's. */
function applicantSummary(view: CaseView): string | undefined {
  const toFile = (view.obligations ?? []).filter((o) => o.status === 'pending' || o.status === 'overdue').length;
  switch (view.status) {
    case 'provisional':
      return toFile > 0 ? says('provisional', { n: toFile }) : says('provisionalFiled');
    case 'suspended':
      return says('suspended', { revokeAt: fmtTime(view.suspensions?.at(-1)?.revokeAt) });
    case 'certified':
    case 'revoked':
      return says(view.status);
    default:
      return undefined;
  }
}

export const web: ProcessWeb = { kind: 'produce-first-certify-later', statusLabels, CasePanel: ProduceFirstPanel, applicantSummary };

/** People, applicants and templates the tests use. */
import type { Actor, Applicant } from '../../common/types.js';
import { OneStopTemplate } from '../../processes/one-stop/template.js';

export const opener: Actor = { sub: 'alice', name: 'Alice Li', roles: ['caseworker'], dept: 'service-centre' };
export const staff = (dept: string, sub = `${dept}-officer`, roles: Actor['roles'] = ['caseworker']): Actor => ({
  sub,
  name: `Officer of ${dept}`,
  roles,
  dept,
});
export const applicantActor: Actor = { sub: 'acme-user', name: 'Zhang Wei', roles: ['applicant'], org: '91350100M000100Y43' };

export const applicant: Applicant = {
  creditCode: '91350100M000100Y43',
  name: 'Acme Protective Equipment Co., Ltd.',
  contact: { name: 'Zhang Wei', phone: '+86 591 8888 0000', email: 'zhang.wei@acme.example' },
};

/** Three departments; market regulation has its own 24 h SLA inside the 48 h case SLA. */
export const oneStopTemplate = (overrides: Partial<OneStopTemplate> = {}): OneStopTemplate =>
  OneStopTemplate.parse({
    id: 'mask-line-fast-track',
    title: 'New mask production line',
    kind: 'one-stop-approval',
    sla: 'PT48H',
    onDeadline: 'escalate',
    departments: [
      { dept: 'market-regulation', title: 'Business licence', sla: 'PT24H' },
      { dept: 'health', title: 'Hygiene permit' },
      { dept: 'ecology', title: 'Environmental filing' },
    ],
    ...overrides,
  });

/** Who may do what to a task or a case: department ownership and four eyes. */
import type { Actor } from '../../common/types.js';
import { forbidden } from './refusals.js';

export const isStaffOf = (actor: Actor, dept: string): boolean =>
  actor.dept === dept && (actor.roles.includes('caseworker') || actor.roles.includes('supervisor'));

/** Only a caseworker or supervisor of the owning department decides a task. */
export function assertDeptMember(actor: Actor, dept: string, what: string): void {
  if (!isStaffOf(actor, dept)) forbidden(`${what} belongs to department ${dept}; you are not its caseworker or supervisor`);
}

/**
 * Four eyes: the person who opened a case, or who took an earlier step that this one must check,
 * may not take this step too.
 */
export function assertFourEyes(actor: Actor, earlier: { sub: string; role: string }[]): void {
  for (const e of earlier) {
    if (e.sub === actor.sub) forbidden(`four eyes: you are the ${e.role} and may not also take this decision`);
  }
}

/**
 * The applicant enterprise itself (its org claim matches the case), or a caseworker of the
 * department that opened the case, acting on the enterprise's behalf.
 */
export function assertApplicantOrOpeningDept(actor: Actor, creditCode: string, openingDept: string | undefined, what: string): void {
  const ownApplicant = actor.roles.includes('applicant') && actor.org === creditCode;
  const openingCaseworker = openingDept !== undefined && actor.dept === openingDept && actor.roles.includes('caseworker');
  if (!ownApplicant && !openingCaseworker) {
    forbidden(`${what}: only the applicant enterprise or a caseworker of the department that opened the case may do this`);
  }
}

/** Who may do what to a task or a case: department ownership and four eyes. */
import type { Actor } from '../../common/types.js';
import { forbidden } from './refusals.js';

export const isStaffOf = (actor: Actor, dept: string): boolean =>
  actor.dept === dept && (actor.roles.includes('caseworker') || actor.roles.includes('supervisor'));

/** Only a caseworker or supervisor of the owning department decides a task. */
export function assertDeptMember(actor: Actor, dept: string, what: string): void {
  if (!isStaffOf(actor, dept)) forbidden(`${what} belongs to department ${dept}; ${actor.sub} is not its caseworker or supervisor`);
}

/**
 * Four eyes: the person who opened a case, or who took an earlier step that this one must check,
 * may not take this step too.
 */
export function assertFourEyes(actor: Actor, earlier: { sub: string; role: string }[]): void {
  for (const e of earlier) {
    if (e.sub === actor.sub) forbidden(`four eyes: ${actor.sub} is the ${e.role} and may not also take this decision`);
  }
}

/** The applicant enterprise itself (its org claim matches the case) or any caseworker. */
export function assertApplicantOrCaseworker(actor: Actor, creditCode: string, what: string): void {
  const ownApplicant = actor.roles.includes('applicant') && actor.org === creditCode;
  if (!ownApplicant && !actor.roles.includes('caseworker')) {
    forbidden(`${what}: only the applicant enterprise (${creditCode}) or a caseworker may do this`);
  }
}

/** Who may do what to a task or a case: department ownership and four eyes. */
import type { Actor } from '../../common/types.js';
import { forbidden } from './refusals.js';

export const isStaffOf = (actor: Actor, dept: string): boolean =>
  actor.dept === dept && (actor.roles.includes('caseworker') || actor.roles.includes('supervisor'));

/** Only a caseworker or supervisor of the owning department decides a task. */
export function assertDeptMember(actor: Actor, dept: string, what: string): void {
  if (!isStaffOf(actor, dept)) forbidden(`${what} belongs to department ${dept}; you are not its caseworker or supervisor`);
}

/** Someone four eyes bars from deciding a task, and why: the part they had in an earlier step. */
export interface FourEyesBar {
  sub: string;
  role: string;
}

/** Why four eyes bars `sub` (the first bar naming them), or undefined when nothing does. */
export const barOf = (sub: string, barred: readonly FourEyesBar[]): FourEyesBar | undefined => barred.find((b) => b.sub === sub);

/**
 * Four eyes: the person who opened a case, or who took an earlier step that this one must check,
 * may not take this step too.
 */
export function assertFourEyes(actor: Actor, earlier: readonly FourEyesBar[]): void {
  const bar = barOf(actor.sub, earlier);
  if (bar) forbidden(`four eyes: you are the ${bar.role} and may not also take this decision`);
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

/**
 * Who may do what: one table, route × role × relation to the case. The routes take their roles
 * from it, the case service checks relations against it, and the authorization-matrix test
 * (test/api/authorization-matrix.test.ts) is generated from it, so the rules cannot drift apart.
 *
 * How a request is answered:
 * - none of the caller's roles is listed for the route: 403 (the caller may know the route exists);
 * - a role is listed but the caller's relation to the case is not: 404 when the caller may not
 *   read the case at all (its existence is not revealed), 403 when it may read it but not do this.
 * Decisions are judged again by the workflow (department of the task, four eyes), which is the
 * record: the API refuses early, the workflow refuses for good.
 */
import type { Relation, Rule } from '../common/access-rules.js';
import type { Actor, CaseView, Role } from '../common/types.js';
import { PROCESS_ACTIONS } from '../processes/registry.js';

export type { Relation, Rule } from '../common/access-rules.js';

const ANY = ['any'] as const;
const INVOLVED = ['opening-dept', 'task-dept'] as const;
const EVERY_ROLE: Rule = { applicant: ANY, caseworker: ANY, supervisor: ANY, auditor: ANY, admin: ANY };

/** The table. Keys name routes as `METHOD path`; `property:` keys govern fields of an answer. */
const ENGINE_ACCESS = {
  'GET /v1/templates': EVERY_ROLE,
  'GET /v1/templates/:id': EVERY_ROLE,
  'GET /v1/templates/:id/details-schema': EVERY_ROLE,
  'GET /v1/template-schemas': EVERY_ROLE,
  'POST /v1/templates': { admin: ANY },
  // Working-day calendars are public information (published holidays): every role reads them.
  'GET /v1/calendars': EVERY_ROLE,
  'GET /v1/calendars/:id': EVERY_ROLE,
  'POST /v1/calendars': { admin: ANY },
  'GET /v1/key-smes': { supervisor: ANY, auditor: ANY, admin: ANY },
  // Whether an enterprise is served first, shown as a case is opened: any for staff, its own for an applicant (403 otherwise).
  'GET /v1/key-smes/:creditCode': { supervisor: ANY, auditor: ANY, admin: ANY, caseworker: ANY, applicant: ['own-enterprise'] },
  'GET /v1/key-smes/:creditCode/history': { supervisor: ANY, auditor: ANY, admin: ANY },
  'PUT /v1/key-smes/:creditCode': { admin: ANY },
  'DELETE /v1/key-smes/:creditCode': { admin: ANY },
  'POST /v1/key-smes/import': { admin: ANY },
  // An applicant opens only for its own enterprise (checked against the body: 403 otherwise).
  'POST /v1/cases': { caseworker: ANY, applicant: ['own-enterprise'] },
  // Lists hold only the cases the caller may read (filtered in SQL by the same relations): an
  // applicant's, the cases of its own enterprise.
  'GET /v1/cases': { applicant: ['own-enterprise'], caseworker: INVOLVED, supervisor: INVOLVED, auditor: ANY },
  'GET /v1/cases/:caseId': { applicant: ['own-enterprise'], caseworker: INVOLVED, supervisor: INVOLVED, auditor: ANY },
  // A case's decision documents (PDF): whoever may read the case.
  'GET /v1/cases/:caseId/documents': { applicant: ['own-enterprise'], caseworker: INVOLVED, supervisor: INVOLVED, auditor: ANY },
  'GET /v1/cases/:caseId/documents/:kind.pdf': { applicant: ['own-enterprise'], caseworker: INVOLVED, supervisor: INVOLVED, auditor: ANY },
  // The documents filed with a case: whoever may read the case downloads them; auditors check them.
  'GET /v1/cases/:caseId/files/:digest': { applicant: ['own-enterprise'], caseworker: INVOLVED, supervisor: INVOLVED, auditor: ANY },
  'GET /v1/cases/:caseId/audit/documents': { auditor: ANY },
  'POST /v1/cases/:caseId/tasks/:taskId/decision': { caseworker: ['the-task-dept'], supervisor: ['the-task-dept'] },
  'POST /v1/cases/:caseId/supplements': { applicant: ['own-enterprise'], caseworker: ['opening-dept'] },
  'POST /v1/cases/:caseId/withdraw': { applicant: ['own-enterprise'], caseworker: ['opening-dept'] },
  'GET /v1/cases/:caseId/history': { auditor: ANY, supervisor: INVOLVED },
  'GET /v1/cases/:caseId/history/raw': { auditor: ANY },
  'GET /v1/cases/:caseId/audit/verify': { auditor: ANY },
  'GET /v1/audit/access': { auditor: ANY },
  // Documents (docs/documents.md): anyone who files or handles a case uploads; a download is checked
  // against the document itself (its uploaders, admins, auditors: 404 otherwise); auditors verify.
  'POST /v1/documents': { applicant: ANY, caseworker: ANY, supervisor: ANY },
  'GET /v1/documents/:digest': EVERY_ROLE,
  'GET /v1/documents/:digest/verify': { auditor: ANY },
  // Aggregate figures: a supervisor's cover the cases involving its department (as its list), an auditor's all.
  'GET /v1/reports/dashboard': { supervisor: ANY, auditor: ANY },
  // SLA figures: an auditor's for every department (or the one it names), a supervisor's for its own
  // department only (naming another is 403, like another department's inbox: checked by the route).
  'GET /v1/reports/sla': { supervisor: ANY, auditor: ANY },
  // The Temporal Web UI's codec server: decoded payloads are case contents (each decode is in the
  // access log). Encoding writes under the production key, as only the engine itself should: admins.
  'POST /codec/decode': { auditor: ANY },
  'POST /codec/encode': { admin: ANY },
  'GET /v1/tasks': { caseworker: ANY, supervisor: ANY },
  'POST /v1/cases/:caseId/tasks/:taskId/claim': { caseworker: ['the-task-dept'] },
  'POST /v1/cases/:caseId/tasks/:taskId/release': { caseworker: ['the-task-dept'], supervisor: ['the-task-dept'] },
  'POST /v1/cases/:caseId/tasks/:taskId/assign': { supervisor: ['the-task-dept'] },
  'POST /v1/cases/:caseId/comments': { caseworker: INVOLVED, supervisor: INVOLVED, auditor: ANY },
  // Where notifications go, and repairing those that failed: admins (they see no notice's text).
  'GET /v1/directory': { admin: ANY },
  'GET /v1/directory/:dept': { admin: ANY },
  'PUT /v1/directory/:dept': { admin: ANY },
  'DELETE /v1/directory/:dept': { admin: ANY },
  'GET /v1/notifications': { admin: ANY },
  'POST /v1/notifications/:id/retry': { admin: ANY },
  // Cases stopped on an incident: what failed and why, never the case's data; an admin retries one.
  'GET /v1/incidents': { admin: ANY, auditor: ANY },
  'POST /v1/incidents/:caseId/retry': { admin: ANY },
  // A case's notifications: whoever may read the case; the applicant sees only its own notices.
  'GET /v1/cases/:caseId/notifications': { applicant: ['own-enterprise'], caseworker: INVOLVED, supervisor: INVOLVED, auditor: ANY },
  /** Notices to departments, supervisors and the command centre are internal: not shown to the applicant. */
  'property: staff notifications': { caseworker: INVOLVED, supervisor: INVOLVED, auditor: ANY },
  /** The applicant's contact person (name, phone, email): the departments on the case and auditors. */
  'property: applicant.contact': { caseworker: INVOLVED, supervisor: INVOLVED, auditor: ANY },
  /** Comments are internal notes: not shown to the applicant. */
  'property: comments': { caseworker: INVOLVED, supervisor: INVOLVED, auditor: ANY },
} as const satisfies Record<string, Rule>;

/** A process's own action (processes/<kind>/index.ts): a POST on one case, as its process names it. */
export type ProcessActionKey = `POST /v1/cases/:caseId/${string}`;

/** The engine's rows, and a row for each action of a process's own, with the rule its process states. */
export const ACCESS: typeof ENGINE_ACCESS & Readonly<Record<ProcessActionKey, Rule>> = {
  ...ENGINE_ACCESS,
  ...Object.fromEntries(PROCESS_ACTIONS.map((a) => [`POST ${a.path}`, a.access])),
};

export type Action = keyof typeof ACCESS;
export type RouteAction = Exclude<Action, `property: ${string}`>;

export function isRouteAction(key: string): key is RouteAction {
  return key in ACCESS && !key.startsWith('property:');
}

/** The roles a route admits (before any relation is looked at). */
export function rolesFor(action: Action): Role[] {
  return Object.keys(ACCESS[action] ?? {}) as Role[];
}

/** What the policy needs to know of a case. */
export interface CaseFacts {
  creditCode: string;
  openingDept: string | null;
  /** Departments with a task on the case, now or before. */
  taskDepts: readonly string[];
}

export function caseFacts(view: Pick<CaseView, 'applicant' | 'openedByDept' | 'tasks'>): CaseFacts {
  return { creditCode: view.applicant.creditCode, openingDept: view.openedByDept ?? null, taskDepts: view.tasks.map((t) => t.dept) };
}

const isStaff = (role: Role) => role === 'caseworker' || role === 'supervisor';

/** The relations `actor` holds to a case in the capacity of `role`. */
export function relationsOf(actor: Actor, role: Role, facts?: CaseFacts, taskDept?: string): Set<Relation> {
  const out = new Set<Relation>(['any']);
  if (!facts) return out;
  if (isStaff(role) && actor.dept) {
    if (facts.openingDept === actor.dept) out.add('opening-dept');
    if (facts.taskDepts.includes(actor.dept)) out.add('task-dept');
    if (taskDept === actor.dept) out.add('the-task-dept');
  }
  if (role === 'applicant' && actor.org && actor.org === facts.creditCode) out.add('own-enterprise');
  return out;
}

/** Whether some role of the actor, with its relation to the case, is allowed `action`. */
export function permits(action: Action, actor: Actor, facts?: CaseFacts, taskDept?: string): boolean {
  const rule: Rule = ACCESS[action] ?? {};
  return actor.roles.some((role) => {
    const allowed = rule[role];
    if (!allowed) return false;
    const held = relationsOf(actor, role, facts, taskDept);
    return allowed.some((r) => held.has(r));
  });
}

export const canRead = (actor: Actor, facts: CaseFacts): boolean => permits('GET /v1/cases/:caseId', actor, facts);

/**
 * What a list may show a caller: everything (auditors), or the cases involving its department
 * and/or those of its own enterprise (a token may carry both roles: it sees both), or nothing
 * (`dept` and `org` both null). The SQL filter of `GET /v1/cases` implements exactly this.
 */
export type ListScope = { all: true } | { dept: string | null; org: string | null };

export function listScope(actor: Actor): ListScope {
  const rule: Rule = ACCESS['GET /v1/cases'];
  const admits = (role: Role, relation: Relation) => actor.roles.includes(role) && (rule[role]?.includes(relation) ?? false);
  if (actor.roles.some((r) => rule[r]?.includes('any'))) return { all: true };
  const staffInvolved = actor.roles.some((r) => isStaff(r) && admits(r, 'task-dept') && admits(r, 'opening-dept'));
  return {
    dept: staffInvolved && actor.dept ? actor.dept : null,
    org: admits('applicant', 'own-enterprise') && actor.org ? actor.org : null,
  };
}

/** The case as this caller may see it: the contact person and comments only for the departments on it and auditors. */
export function viewFor<V extends Pick<CaseView, 'applicant' | 'openedByDept' | 'tasks' | 'comments'>>(actor: Actor, view: V): V {
  const facts = caseFacts(view);
  let seen = view;
  if (!permits('property: applicant.contact', actor, facts)) {
    const { contact: _hidden, ...applicant } = view.applicant;
    seen = { ...seen, applicant };
  }
  if (!permits('property: comments', actor, facts)) seen = { ...seen, comments: [] };
  return seen;
}

/**
 * The vocabulary of the access table (api/access-policy.ts), here so that a process can state who may
 * take its own actions (processes/<kind>/index.ts) without importing the API.
 */
import type { Role } from './types.js';

/**
 * A caller's relation to a case:
 * - `opening-dept`: caseworker/supervisor of the department that opened the case;
 * - `task-dept`: caseworker/supervisor of a department that has or had a task on the case;
 * - `the-task-dept`: of the department that owns the task named in the path (decisions);
 * - `own-enterprise`: an applicant whose `org` is the case's credit code;
 * - `any`: no relation needed (auditors; routes that concern no case).
 */
export type Relation = 'opening-dept' | 'task-dept' | 'the-task-dept' | 'own-enterprise' | 'any';

/** Who may: each role listed, with the relations to the case any one of which admits it. */
export type Rule = Partial<Record<Role, readonly Relation[]>>;

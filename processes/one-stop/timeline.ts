/** What the auditor's timeline shows of a one-stop opening: the case SLA and every department's task. */
import type { OneStopInput } from './workflow.js';

export function oneStopOpening(input: OneStopInput): Record<string, unknown> {
  return { sla: input.template.sla, tasks: input.template.departments.map((d) => d.dept) };
}

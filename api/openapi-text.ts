/**
 * The text rule (common/text-rule.ts) in the OpenAPI document, where JSON Schema can say it: every
 * string schema that neither a pattern, a format nor an enum already bounds gets the rule's
 * `pattern`, so that clients and fuzzers know what the server refuses. Free-form values (a case's
 * `details` beyond its template's fields, a template's JSON) cannot be described this way; the
 * document's description says the rule holds there too.
 */
import { TEXT_PATTERN } from '../common/text-rule.js';

export const TEXT_RULE_DESCRIPTION =
  'One-stop government approvals on Temporal. Besides what each schema says: no string (a JSON value or key, CSV text, a path segment, ' +
  'a query parameter, a token claim) may hold a lone UTF-16 surrogate, NUL (U+0000) or another control character except tab, line ' +
  'feed and carriage return (400, naming the field; string schemas carry this as their `pattern`); JSON nests at most 32 levels (400); ' +
  'bodies are at most 1 MB (413), UTF-8 (415).';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
/** Whether an existing pattern already keeps refused characters out: anchored, with no negated class, `.` or `\S`-like escape. */
function patternExcludes(pattern: string): boolean {
  return pattern.startsWith('^') && pattern.endsWith('$') && !/\[\^|(?<!\\)\.|\\[SDWP]/.test(pattern);
}

/** Adds the rule to every string schema in `doc` that nothing else bounds, in place; returns how many it changed. */
export function publishTextRule(doc: unknown): number {
  let changed = 0;
  const visit = (node: Json): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (!node || typeof node !== 'object') return;
    for (const v of Object.values(node)) visit(v);
    const types = node.type;
    const isString = types === 'string' || (Array.isArray(types) && types.includes('string'));
    if (!isString || 'format' in node || 'enum' in node || 'const' in node || 'contentEncoding' in node) return;
    if (typeof node.pattern !== 'string') {
      node.pattern = TEXT_PATTERN;
      changed++;
    } else if (!patternExcludes(node.pattern)) {
      // A pattern of its own that lets controls through (`[^\s]`: "not blank"): the rule joins it.
      node.allOf = [...(Array.isArray(node.allOf) ? node.allOf : []), { pattern: TEXT_PATTERN }];
      changed++;
    }
  };
  visit(doc as Json);
  return changed;
}

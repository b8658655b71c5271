/**
 * JSON with object keys sorted (by UTF-16 code units, as RFC 8785 orders them) and undefined members
 * left out: the same value always gives the same text, whatever order jsonb or a client gave its keys.
 * The history archive's hash chain is computed over this text, so its output must never change.
 */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.keys(value)
      .sort()
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value);
}

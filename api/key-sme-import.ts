/**
 * Reading a key-SME import: the rows of a JSON array or a CSV file, each checked, with every bad one
 * named by where it is (`[2]`, `line 3`), so that an import is all or nothing and says why.
 */
import { parse as parseCsv } from 'csv-parse/sync';
import { z } from 'zod';
import type { KeySmeInput } from '../db/key-smes.js';
import { Text } from '../templates/schema.js';
import { badRequest } from './problem.js';
import { CreditCode } from './schemas.js';

export const MAX_IMPORT_ROWS = 10_000;
const CSV_COLUMNS = ['creditCode', 'name', 'reason'] as const;

export const KeySmeName = Text(200, 'is required');
export const KeySmeReason = Text(2000, 'is required');
export const KeySmeRow = z.strictObject({ creditCode: CreditCode, name: KeySmeName, reason: KeySmeReason }).meta({ id: 'KeySmeRow' });

type RowError = { path: string; message: string };

/** One message for all of a row's zod issues: `creditCode: check character does not match; name: is required`. */
function rowMessage(err: z.ZodError): string {
  return err.issues.map((i) => (i.path.length ? `${i.path.map(String).join('.')}: ${i.message}` : i.message)).join('; ');
}

/** Validates every row and reports each bad one (with `where(i)` naming it); duplicates count as bad. */
export function validateRows(raw: { value: unknown; where: string; error?: string }[]): { rows: KeySmeInput[]; errors: RowError[] } {
  const rows: KeySmeInput[] = [];
  const errors: RowError[] = [];
  const seen = new Map<string, string>();
  for (const { value, where, error } of raw) {
    if (error) {
      errors.push({ path: where, message: error });
      continue;
    }
    const r = KeySmeRow.safeParse(value);
    if (!r.success) {
      errors.push({ path: where, message: rowMessage(r.error) });
      continue;
    }
    const first = seen.get(r.data.creditCode);
    if (first) {
      errors.push({ path: where, message: `creditCode: ${r.data.creditCode} is repeated (first at ${first})` });
      continue;
    }
    seen.set(r.data.creditCode, where);
    rows.push(r.data);
  }
  return { rows, errors };
}

export const tooMany = (n: number) => badRequest(`at most ${MAX_IMPORT_ROWS} rows may be imported at once; this has ${n}; nothing was imported`);

/** What csv-parse answers with `info: true`: each record with the lines it ends on and the blank lines before. */
const CsvRecords = z.array(z.object({ record: z.array(z.string()), info: z.object({ lines: z.number(), empty_lines: z.number() }) }));

/** The records of a CSV file, each with the line it starts on (the header is line 1). */
function csvRecords(text: string): { record: string[]; line: number }[] {
  let parsed: z.output<typeof CsvRecords>;
  try {
    // csv-parse types its answer without `info`; what it answers with `info: true` is checked instead.
    parsed = CsvRecords.parse(parseCsv(text, { bom: true, info: true, relax_column_count: true, skip_empty_lines: true, trim: true }));
  } catch (err) {
    const line = (err as { lines?: unknown }).lines;
    const message = err instanceof Error ? err.message : 'unreadable CSV';
    throw badRequest(`the CSV file cannot be read: ${message}; nothing was imported`, [{ path: typeof line === 'number' ? `line ${line}` : 'body', message }]);
  }
  // info.lines is the line a record ends on; it starts after the previous one and any blank lines.
  let prevEnd = 0;
  let prevEmpty = 0;
  return parsed.map(({ record, info }) => {
    const line = prevEnd + 1 + (info.empty_lines - prevEmpty);
    prevEnd = info.lines;
    prevEmpty = info.empty_lines;
    return { record, line };
  });
}

export function csvRows(text: string): { value: unknown; where: string; error?: string }[] {
  const records = csvRecords(text);
  const header = records.shift();
  const expected = CSV_COLUMNS.join(',');
  if (!header) throw badRequest(`the CSV file is empty; it needs the header ${expected} and at least one row`);
  const index = CSV_COLUMNS.map((c) => header.record.indexOf(c));
  if (header.record.length !== CSV_COLUMNS.length || index.some((i) => i < 0)) {
    const message = `the header must name the columns ${expected} (found ${header.record.join(',')})`;
    throw badRequest(`${message}; nothing was imported`, [{ path: `line ${header.line}`, message }]);
  }
  if (records.length > MAX_IMPORT_ROWS) throw tooMany(records.length);
  return records.map(({ record, line }) => {
    const where = `line ${line}`;
    if (record.length !== CSV_COLUMNS.length)
      return { value: undefined, where, error: `expected ${CSV_COLUMNS.length} fields (${expected}), found ${record.length}` };
    const value = Object.fromEntries(CSV_COLUMNS.map((c, i) => [c, record[index[i] as number]]));
    return { value, where };
  });
}

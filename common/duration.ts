/**
 * ISO 8601 durations (`PT48H`, `P60D`, `P1DT12H`, `PT0.5S`) to milliseconds.
 * Hand-written because workflow code may not import node modules, and templates are interpreted
 * inside the workflow. Years and months are refused: their length depends on the calendar, and a
 * legal deadline stated in them must be computed by a calendar, not guessed here.
 */
const PATTERN = /^P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** Milliseconds of an ISO 8601 duration, or undefined when it is not one we accept. */
export function parseDuration(text: string): number | undefined {
  const m = PATTERN.exec(text);
  if (!m || text === 'P' || text.endsWith('T')) return undefined;
  const [, w, d, h, min, s] = m;
  const ms = Number(w ?? 0) * 7 * DAY + Number(d ?? 0) * DAY + Number(h ?? 0) * HOUR + Number(min ?? 0) * MINUTE + Number(s ?? 0) * SECOND;
  return Number.isFinite(ms) ? Math.round(ms) : undefined;
}

/** Like parseDuration, for durations already validated by the template schema. */
export function durationMs(text: string): number {
  const ms = parseDuration(text);
  if (ms === undefined) throw new TypeError(`not an ISO 8601 duration: ${text}`);
  return ms;
}

/**
 * A period in a template: wall-clock time as an ISO 8601 duration (`PT48H`), or working time on the
 * template's calendar (`{ workingDays: 20 }`, `{ workingHours: 8 }`), as administrative law counts it.
 */
export type DurationSpec = string | { workingDays: number } | { workingHours: number };

/** Whether a period is counted in working time (and so needs a calendar). */
export const isWorkingTime = (d: DurationSpec): d is { workingDays: number } | { workingHours: number } => typeof d !== 'string';

/** A period for people: `PT48H`, `10 working days`, `4 working hours`. */
export function describeDuration(d: DurationSpec): string {
  if (typeof d === 'string') return d;
  if ('workingDays' in d) return `${d.workingDays} working day${d.workingDays === 1 ? '' : 's'}`;
  return `${d.workingHours} working hour${d.workingHours === 1 ? '' : 's'}`;
}

/**
 * A case's details as a person reads them: money in its currency with its minor digits (yuan with
 * two decimals, from integer fen), dates and times in the reader's local time, nested fields as
 * labelled rows and lists as lists; never raw JSON. The details are what the applicant filed under
 * the template's schema, so their shape is known only at run time: each value is read by its shape.
 */
import type { ComponentChildren } from 'preact';
import { currentLang, fmtTime } from './i18n';
import { fmtMoney, isMoney } from './money';

const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** A field's key as a label: `claimedAmount` → "Claimed amount", `policy_number` → "Policy number". */
export function fieldLabel(key: string): string {
  const words = key
    .replace(/[_-]+/g, ' ')
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .trim()
    .toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function Value({ value }: { value: unknown }): ComponentChildren {
  if (value === null || value === undefined || value === '') return <>—</>;
  if (isMoney(value)) return <span class="money">{fmtMoney(value)}</span>;
  if (typeof value === 'string' && DATE_TIME.test(value)) return <time dateTime={value}>{fmtTime(value)}</time>;
  if (typeof value === 'string' && DATE.test(value)) {
    return <time dateTime={value}>{new Intl.DateTimeFormat(currentLang(), { dateStyle: 'medium', timeZone: 'UTC' }).format(new Date(value))}</time>;
  }
  if (typeof value === 'boolean') return <>{value ? '✓' : '✗'}</>;
  if (Array.isArray(value)) {
    if (value.length === 0) return <>—</>;
    return (
      <ul class="detail-list">
        {value.map((item, i) => (
          <li key={i}>
            <Value value={item} />
          </li>
        ))}
      </ul>
    );
  }
  if (typeof value === 'object') return <Details details={value as Record<string, unknown>} nested />;
  return <>{String(value)}</>;
}

/** The details as labelled rows (a nested object as rows of its own). */
export function Details({ details, nested = false }: { details: Record<string, unknown>; nested?: boolean }) {
  return (
    <dl class={nested ? 'details nested' : 'details'}>
      {Object.entries(details).map(([k, v]) => (
        <>
          <dt key={`k${k}`}>{fieldLabel(k)}</dt>
          <dd key={`v${k}`}>
            <Value value={v} />
          </dd>
        </>
      ))}
    </dl>
  );
}

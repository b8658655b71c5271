/**
 * Deploying a calendar version: time zone, weekend, working hours, holidays and make-up working days,
 * the period they are known for, and their source (docs/calendars.md). The API checks every rule and
 * answers each problem at its field; the form keeps what was typed.
 */
import { useState } from 'preact/hooks';
import { api, ok, type Schemas } from '../../api/client';
import { currentLang, messages } from '../../i18n';
import { ProblemView } from '../../ui';
import { CheckedField, errorsUnder, FieldErrorLines, fieldErrors, inputText, type FieldErrors } from './form-bits';

const m = messages(
  {
    id: 'Calendar id',
    title: 'Title',
    timezone: 'Time zone',
    timezoneHint: 'an IANA name, e.g. Asia/Shanghai',
    weekend: 'Weekend (days off every week)',
    workingHours: 'Working hours',
    start: 'Start of period {n} (HH:MM)',
    end: 'End of period {n} (HH:MM, may be 24:00)',
    addPeriod: 'Add a working period',
    removePeriod: 'Remove period {n}',
    holidays: 'Public holidays',
    workdays: 'Make-up working days',
    datesHint: 'one date (YYYY-MM-DD) a line',
    coversFrom: 'Dates known from',
    coversUntil: 'Dates known until',
    source: 'Source (the notice, its date and address)',
    deployVersion: 'Deploy this version',
  },
  {
    id: '日历标识',
    title: '名称',
    timezone: '时区',
    timezoneHint: 'IANA 名称，例如 Asia/Shanghai',
    weekend: '周末（每周休息日）',
    workingHours: '工作时段',
    start: '第 {n} 段开始（HH:MM）',
    end: '第 {n} 段结束（HH:MM，可为 24:00）',
    addPeriod: '添加工作时段',
    removePeriod: '删除第 {n} 段',
    holidays: '法定节假日',
    workdays: '调休上班日',
    datesHint: '每行一个日期（YYYY-MM-DD）',
    coversFrom: '日期已知起始',
    coversUntil: '日期已知截止',
    source: '来源（通知、日期和网址）',
    deployVersion: '发布此版本',
  },
);

type Calendar = Schemas['Calendar'];
type Period = Schemas['WorkingPeriod'];

/** The form's state: the dates as the text typed (one a line), everything else as the API takes it. */
interface Draft extends Omit<Calendar, 'holidays' | 'workdays'> {
  holidays: string;
  workdays: string;
}

const lines = (text: string) =>
  text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);

const draftOf = (c: Calendar | undefined): Draft => ({
  id: c?.id ?? '',
  title: c?.title ?? '',
  timezone: c?.timezone ?? 'Asia/Shanghai',
  weekend: c?.weekend ?? [6, 7],
  workingHours: c?.workingHours ?? [{ start: '00:00', end: '24:00' }],
  holidays: (c?.holidays ?? []).join('\n'),
  workdays: (c?.workdays ?? []).join('\n'),
  covers: c?.covers ?? { from: '', until: '' },
  source: c?.source ?? '',
});

/** ISO weekday n (1 = Monday) in the reader's language: 2024-01-01 was a Monday. */
export const weekdayName = (n: number) => new Intl.DateTimeFormat(currentLang(), { weekday: 'long', timeZone: 'UTC' }).format(Date.UTC(2024, 0, n));

export function CalendarForm({
  start,
  fixedId,
  onDeployed,
}: {
  start: Calendar | undefined;
  fixedId: boolean;
  onDeployed: (r: { id: string; version: number }) => void;
}) {
  const [d, setD] = useState<Draft>(() => draftOf(start));
  const [error, setError] = useState<unknown>();
  const errors = fieldErrors(error);
  const set = <K extends keyof Draft>(k: K, v: Draft[K]) => setD((x) => ({ ...x, [k]: v }));
  const submit = async (e: Event) => {
    e.preventDefault();
    setError(undefined);
    try {
      onDeployed(await ok(api.POST('/v1/calendars', { body: { ...d, holidays: lines(d.holidays), workdays: lines(d.workdays) } })));
    } catch (err) {
      setError(err);
    }
  };
  const text = (k: 'id' | 'title' | 'timezone', label: string, hint?: string) => (
    <CheckedField
      label={label}
      hint={hint}
      errors={errors[k]}
      render={(a) => <input {...a} type="text" spellcheck={false} readOnly={k === 'id' && fixedId} value={d[k]} onInput={(e) => set(k, inputText(e))} />}
    />
  );
  const dates = (k: 'holidays' | 'workdays', label: string) => (
    <CheckedField
      label={label}
      hint={m('datesHint')}
      errors={errorsUnder(errors, k)}
      render={(a) => <textarea {...a} class="code" rows={6} spellcheck={false} value={d[k]} onInput={(e) => set(k, inputText(e))} />}
    />
  );
  return (
    <form class="stack calendar-form" onSubmit={(e) => void submit(e)}>
      {text('id', m('id'))}
      {text('title', m('title'))}
      {text('timezone', m('timezone'), m('timezoneHint'))}
      <fieldset>
        <legend>{m('weekend')}</legend>
        <div class="weekdays">
          {[1, 2, 3, 4, 5, 6, 7].map((n) => (
            <label key={n} class="check">
              <input
                type="checkbox"
                checked={d.weekend.includes(n)}
                onChange={(e) => set('weekend', (e.target as HTMLInputElement).checked ? [...d.weekend, n].sort() : d.weekend.filter((w) => w !== n))}
              />
              {weekdayName(n)}
            </label>
          ))}
        </div>
        <FieldErrorLines errors={errorsUnder(errors, 'weekend')} />
      </fieldset>
      <Periods periods={d.workingHours} onChange={(p) => set('workingHours', p)} errors={errors} />
      {dates('holidays', m('holidays'))}
      {dates('workdays', m('workdays'))}
      <div class="inline-form">
        {(['from', 'until'] as const).map((k) => (
          <CheckedField
            key={k}
            label={k === 'from' ? m('coversFrom') : m('coversUntil')}
            errors={errorsUnder(errors, `covers.${k}`)}
            render={(a) => <input {...a} type="date" value={d.covers[k]} onInput={(e) => set('covers', { ...d.covers, [k]: inputText(e) })} />}
          />
        ))}
      </div>
      <FieldErrorLines errors={errors.covers ?? []} />
      <CheckedField
        label={m('source')}
        errors={errors.source}
        render={(a) => <textarea {...a} rows={3} value={d.source} onInput={(e) => set('source', inputText(e))} />}
      />
      <ProblemView error={error} />
      <div class="actions">
        <button type="submit" class="primary">
          {m('deployVersion')}
        </button>
      </div>
    </form>
  );
}

function Periods({ periods, onChange, errors }: { periods: Period[]; onChange: (p: Period[]) => void; errors: FieldErrors }) {
  const setAt = (i: number, p: Period) => onChange(periods.map((x, j) => (j === i ? p : x)));
  return (
    <fieldset>
      <legend>{m('workingHours')}</legend>
      <FieldErrorLines errors={errors.workingHours ?? []} />
      {periods.map((p, i) => (
        <div key={i} class="inline-form">
          {(['start', 'end'] as const).map((k) => (
            <CheckedField
              key={k}
              label={m(k, { n: i + 1 })}
              errors={errorsUnder(errors, `workingHours.${i}.${k}`)}
              render={(a) => <input {...a} type="text" size={6} value={p[k]} onInput={(e) => setAt(i, { ...p, [k]: inputText(e) })} />}
            />
          ))}
          <FieldErrorLines errors={errors[`workingHours.${i}`] ?? []} />
          <button type="button" class="danger" onClick={() => onChange(periods.filter((_, j) => j !== i))}>
            {m('removePeriod', { n: i + 1 })}
          </button>
        </div>
      ))}
      <div class="actions">
        <button type="button" onClick={() => onChange([...periods, { start: '', end: '' }])}>
          {m('addPeriod')}
        </button>
      </div>
    </fieldset>
  );
}

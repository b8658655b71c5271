/**
 * The dashboard: open cases by status and department, breaches, escalations this week, time to
 * decision (GET /v1/reports/dashboard); and the SLA report over a window (GET /v1/reports/sla) as
 * Chart.js bar charts and tables, with its from/to/template filters kept in the URL and a CSV download.
 */
import { BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, Tooltip } from 'chart.js';
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, downloadFile, ok } from '../api/client';
import type { Dashboard, SlaReport } from '../api/types';
import { fmtDuration, fmtTime, statusLabel, t, useLang } from '../i18n';
import { navigate, useLocation } from '../router';
import { Field, Loading, ProblemView, useAsync } from '../ui';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Tooltip, Legend);

const HOUR = 3600_000;
const hours = (ms: number | null) => (ms === null ? null : +(ms / HOUR).toFixed(2));

interface Series {
  label: string;
  data: (number | null)[];
  color: string;
  /** Bars of one stack pile up; without stacks, bars stand side by side. */
  stack?: string;
}

/** One bar chart; `label` names it for screen readers (the tables beside it carry the numbers). */
function BarChart({ label, labels, series, unit, stacked }: { label: string; labels: string[]; series: Series[]; unit?: string; stacked?: boolean }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const lang = useLang();
  useEffect(() => {
    if (!canvas.current) return;
    const chart = new Chart(canvas.current, {
      type: 'bar',
      data: { labels, datasets: series.map((s) => ({ label: s.label, data: s.data, backgroundColor: s.color, ...(s.stack ? { stack: s.stack } : {}) })) },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        scales: {
          x: { stacked: Boolean(stacked) },
          // Counts have whole ticks; times (with a unit) fractional ones.
          y: { stacked: Boolean(stacked), beginAtZero: true, ...(unit ? { title: { display: true, text: unit } } : { ticks: { precision: 0 } }) },
        },
      },
    });
    return () => chart.destroy();
  }, [JSON.stringify({ labels, series, unit, stacked }), lang]);
  return (
    <div class="chart">
      <canvas ref={canvas} role="img" aria-label={label} />
    </div>
  );
}

const COLORS = { blue: '#2563eb', lightBlue: '#93c5fd', green: '#16a34a', red: '#dc2626', amber: '#d97706', grey: '#6b7280', purple: '#7c3aed' };
const STATUS_COLORS: Record<string, string> = {
  approved: COLORS.green,
  certified: '#15803d',
  settled: '#0d9488',
  rejected: COLORS.red,
  revoked: '#991b1b',
  withdrawn: COLORS.grey,
  abandoned: '#9ca3af',
};

export function DashboardPage() {
  useLang();
  const figures = useAsync(async () => (await ok(api.GET('/v1/reports/dashboard'))) as Dashboard, []);
  return (
    <section>
      <h1>{t('dashboardTitle')}</h1>
      <Loading when={figures}>
        {() => {
          const d = figures.data!;
          return (
            <div class="grid dashboard">
              <section class="card">
                <h2>{t('openByStatus')}</h2>
                <table class="figures">
                  <tbody>
                    {d.openByStatus.map((s) => (
                      <tr key={s.status}>
                        <th scope="row">{statusLabel(s.status)}</th>
                        <td>{s.count}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
                {d.openByStatus.length === 0 && <p class="muted">{t('none')}</p>}
              </section>
              <section class="card">
                <h2>{t('openByDept')}</h2>
                <table class="figures">
                  <tbody>
                    {d.openByDept.map((s) => (
                      <tr key={s.dept}>
                        <th scope="row">{s.dept}</th>
                        <td>{s.count}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
                {d.openByDept.length === 0 && <p class="muted">{t('none')}</p>}
              </section>
              <section class="card">
                <h2>{t('breaches')}</h2>
                <p class="big">{d.breaches.open}</p>
                <p class="muted">
                  {t('breachesOpen')} · {d.breaches.total} {t('breachesTotal')}
                </p>
              </section>
              <section class="card">
                <h2>{t('escalationsWeek')}</h2>
                <p class="big">{d.escalationsThisWeek.total}</p>
                <p class="muted">
                  {t('since')} {fmtTime(d.weekStart)} · {d.escalationsThisWeek.byAction.map((a) => `${a.action}: ${a.count}`).join(', ')}
                </p>
              </section>
              <section class="card wide">
                <h2>{t('timeToDecision')}</h2>
                {d.timeToDecision.length ? (
                  <BarChart
                    label={t('timeToDecision')}
                    labels={d.timeToDecision.map((x) => x.dept)}
                    unit="h"
                    series={[
                      { label: t('median'), data: d.timeToDecision.map((x) => hours(x.medianMs)), color: COLORS.blue },
                      { label: t('p90'), data: d.timeToDecision.map((x) => hours(x.p90Ms)), color: COLORS.lightBlue },
                    ]}
                  />
                ) : (
                  <p class="muted">{t('none')}</p>
                )}
              </section>
            </div>
          );
        }}
      </Loading>
      <SlaReportSection />
    </section>
  );
}

// ---- the SLA report ---------------------------------------------------------------------------

/** `YYYY-MM-DD` of the browser's day `offsetDays` from today. */
function localDay(offsetDays = 0): string {
  const d = new Date();
  d.setDate(d.getDate() + offsetDays);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

/** The window the page asks for: the browser's days, `to` included (its next midnight, exclusive). */
function windowOf(from: string, to: string): { from: string; to: string } {
  const midnight = (day: string, plusDays = 0) => {
    const [y, m, d] = day.split('-').map(Number) as [number, number, number];
    return new Date(y, m - 1, d + plusDays).toISOString();
  };
  return { from: midnight(from), to: midnight(to, 1) };
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

function SlaReportSection() {
  useLang();
  const { query } = useLocation();
  const day = (key: string, otherwise: string) => (DAY.test(query.get(key) ?? '') ? (query.get(key) as string) : otherwise);
  // By default the last 30 days, today included.
  const from = day('from', localDay(-29));
  const to = day('to', localDay());
  const templateId = query.get('templateId') ?? '';
  const params = { ...windowOf(from, to), ...(templateId ? { templateId } : {}) };
  const report = useAsync(async () => (await ok(api.GET('/v1/reports/sla', { params: { query: params } }))) as SlaReport, [from, to, templateId]);
  const templates = useAsync(async () => ok(api.GET('/v1/templates')), []);
  const [downloadError, setDownloadError] = useState<unknown>();

  const apply = (e: Event) => {
    e.preventDefault();
    const q = new URLSearchParams();
    for (const [k, v] of new FormData(e.target as HTMLFormElement).entries()) if (v !== '') q.set(k, String(v));
    navigate(`/dashboard?${q}`, true);
  };
  const csv = async () => {
    setDownloadError(undefined);
    try {
      await downloadFile(`/v1/reports/sla?${new URLSearchParams({ ...params, format: 'csv' })}`, 'sla-report.csv');
    } catch (err) {
      setDownloadError(err);
    }
  };

  return (
    <section class="sla-report" aria-labelledby="sla-title">
      <h2 id="sla-title">{t('slaTitle')}</h2>
      <form class="filters" onSubmit={apply} aria-label={t('slaTitle')}>
        <Field label={t('slaFrom')} render={(a) => <input {...a} type="date" name="from" value={from} required />} />
        <Field label={t('slaTo')} render={(a) => <input {...a} type="date" name="to" value={to} required />} />
        <Field
          label={t('template')}
          render={(a) => (
            <select {...a} name="templateId" value={templateId}>
              <option value="">{t('all')}</option>
              {(templates.data ?? []).map((tpl) => (
                <option key={tpl.id} value={tpl.id}>
                  {tpl.title} ({tpl.id})
                </option>
              ))}
            </select>
          )}
        />
        <button type="submit">{t('apply')}</button>
        <button type="button" onClick={() => void csv()}>
          {t('slaCsv')}
        </button>
      </form>
      <ProblemView error={downloadError} />
      <Loading when={report}>{() => <SlaFigures r={report.data!} />}</Loading>
    </section>
  );
}

function SlaFigures({ r }: { r: SlaReport }) {
  const depts = r.departments;
  const labels = depts.map((d) => d.dept);
  const closedStatuses = Object.keys(STATUS_COLORS).filter((s) => r.templates.some((x) => (x.closed as Record<string, number>)[s]));
  return (
    <>
      <p class="muted" data-testid="sla-window">
        {fmtTime(r.window.from)} – {fmtTime(r.window.to)}
        {r.scope.dept ? ` · ${r.scope.dept}` : ''}
        {r.scope.templateId ? ` · ${r.scope.templateId}` : ''}
      </p>
      <div class="grid">
        <section class="card">
          <h3>{t('slaDecisions')}</h3>
          {depts.length ? (
            <BarChart
              label={t('slaDecisions')}
              labels={labels}
              stacked
              series={[
                { label: t('slaOnTime'), data: depts.map((d) => d.onTime), color: COLORS.green },
                { label: t('slaLate'), data: depts.map((d) => d.decided - d.onTime), color: COLORS.red },
                { label: t('slaDeemed'), data: depts.map((d) => d.deemedApproved), color: COLORS.amber },
              ]}
            />
          ) : (
            <p class="muted">{t('none')}</p>
          )}
        </section>
        <section class="card">
          <h3>{t('slaNetTime')}</h3>
          {depts.some((d) => d.decided) ? (
            <BarChart
              label={t('slaNetTime')}
              labels={labels}
              unit="h"
              series={[
                { label: t('median'), data: depts.map((d) => hours(d.decisionNetMs.p50)), color: COLORS.blue },
                { label: t('p90'), data: depts.map((d) => hours(d.decisionNetMs.p90)), color: COLORS.lightBlue },
              ]}
            />
          ) : (
            <p class="muted">{t('none')}</p>
          )}
        </section>
        <section class="card">
          <h3>{t('slaBreachesEscalations')}</h3>
          {depts.length ? (
            <BarChart
              label={t('slaBreachesEscalations')}
              labels={labels}
              stacked
              series={[
                { label: t('slaDecidedLate'), data: depts.map((d) => d.breaches.decidedLate), color: COLORS.red, stack: 'breaches' },
                { label: t('slaDeemed'), data: depts.map((d) => d.breaches.deemedApproved), color: COLORS.amber, stack: 'breaches' },
                { label: t('slaPastDue'), data: depts.map((d) => d.breaches.pastDueUndecided), color: '#f87171', stack: 'breaches' },
                { label: t('slaEscalations'), data: depts.map((d) => d.escalations.total), color: COLORS.purple, stack: 'escalations' },
              ]}
            />
          ) : (
            <p class="muted">{t('none')}</p>
          )}
        </section>
        <section class="card">
          <h3>{t('slaCases')}</h3>
          {r.templates.length ? (
            <BarChart
              label={t('slaCases')}
              labels={r.templates.map((x) => x.templateId)}
              stacked
              series={[
                { label: statusLabel('open'), data: r.templates.map((x) => x.open), color: COLORS.blue },
                ...closedStatuses.map((s) => ({
                  label: statusLabel(s),
                  data: r.templates.map((x) => (x.closed as Record<string, number>)[s] ?? 0),
                  color: STATUS_COLORS[s] as string,
                })),
              ]}
            />
          ) : (
            <p class="muted">{t('none')}</p>
          )}
        </section>
      </div>
      <div class="table-wrap">
        <table class="sla-depts">
          <caption class="visually-hidden">{t('slaByDept')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('dept')}</th>
              <th scope="col">{t('slaDecided')}</th>
              <th scope="col">{t('slaOnTimeRate')}</th>
              <th scope="col">{t('median')}</th>
              <th scope="col">{t('p90')}</th>
              <th scope="col">{t('slaDeemed')}</th>
              <th scope="col">{t('slaEscalations')}</th>
              <th scope="col">{t('breaches')}</th>
            </tr>
          </thead>
          <tbody>
            {depts.map((d) => (
              <tr key={d.dept} data-dept={d.dept}>
                <th scope="row">{d.dept}</th>
                <td data-label={t('slaDecided')} data-figure="decided">
                  {d.decided}
                </td>
                <td data-label={t('slaOnTimeRate')} data-figure="onTimeRate">
                  {d.onTimeRate === null ? '—' : `${Math.round(d.onTimeRate * 100)} %`}
                </td>
                <td data-label={t('median')}>{d.decisionNetMs.p50 === null ? '—' : fmtDuration(d.decisionNetMs.p50)}</td>
                <td data-label={t('p90')}>{d.decisionNetMs.p90 === null ? '—' : fmtDuration(d.decisionNetMs.p90)}</td>
                <td data-label={t('slaDeemed')}>{d.deemedApproved}</td>
                <td data-label={t('slaEscalations')} title={d.escalations.byLevel.map((e) => `${e.level} ${e.action}: ${e.count}`).join(', ')}>
                  {d.escalations.total}
                </td>
                <td data-label={t('breaches')} data-figure="breaches">
                  {d.breaches.total}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div class="table-wrap">
        <table class="sla-templates">
          <caption class="visually-hidden">{t('slaByTemplate')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('template')}</th>
              <th scope="col">{t('slaOpened')}</th>
              <th scope="col">{statusLabel('open')}</th>
              <th scope="col">{t('slaClosed')}</th>
              <th scope="col">{t('slaMedianDuration')}</th>
              <th scope="col">{t('slaStopped')}</th>
            </tr>
          </thead>
          <tbody>
            {r.templates.map((x) => (
              <tr key={x.templateId} data-template={x.templateId}>
                <th scope="row">{x.templateId}</th>
                <td data-label={t('slaOpened')} data-figure="opened">
                  {x.opened}
                </td>
                <td data-label={statusLabel('open')}>{x.open}</td>
                <td data-label={t('slaClosed')} data-figure="closed">
                  {Object.entries(x.closed)
                    .filter(([k, n]) => k !== 'total' && n)
                    .map(([k, n]) => `${statusLabel(k)} ${n}`)
                    .join(', ') || '0'}
                </td>
                <td data-label={t('slaMedianDuration')}>{x.medianDurationMs === null ? '—' : fmtDuration(x.medianDurationMs)}</td>
                <td data-label={t('slaStopped')}>{fmtDuration(x.stoppedClockMs)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}

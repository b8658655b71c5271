/** Open cases by status and department, breaches, escalations this week, time to decision (Chart.js). */
import { BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, Tooltip } from 'chart.js';
import { useEffect, useRef } from 'preact/hooks';
import { api, ok } from '../api/client';
import type { Dashboard } from '../api/types';
import { fmtTime, statusLabel, t, useLang } from '../i18n';
import { Loading, useAsync } from '../ui';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Tooltip, Legend);

const HOUR = 3600_000;

function TimeToDecisionChart({ data }: { data: Dashboard['timeToDecision'] }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const lang = useLang();
  useEffect(() => {
    if (!canvas.current) return;
    const chart = new Chart(canvas.current, {
      type: 'bar',
      data: {
        labels: data.map((d) => d.dept),
        datasets: [
          { label: t('median'), data: data.map((d) => +(d.medianMs / HOUR).toFixed(2)), backgroundColor: '#2563eb' },
          { label: t('p90'), data: data.map((d) => +(d.p90Ms / HOUR).toFixed(2)), backgroundColor: '#93c5fd' },
        ],
      },
      options: { responsive: true, maintainAspectRatio: false, animation: false, scales: { y: { beginAtZero: true, title: { display: true, text: 'h' } } } },
    });
    return () => chart.destroy();
  }, [data, lang]);
  return (
    <div class="chart">
      <canvas ref={canvas} role="img" aria-label={t('timeToDecision')} />
    </div>
  );
}

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
                {d.timeToDecision.length ? <TimeToDecisionChart data={d.timeToDecision} /> : <p class="muted">{t('none')}</p>}
              </section>
            </div>
          );
        }}
      </Loading>
    </section>
  );
}

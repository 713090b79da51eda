/**
 * Renderer process. Performance history: the average time of one primitive in each past session,
 * as a bar chart with the same figures in a table, and any one session's full table.
 */
import { useId, useState } from 'react';
import { PRIMITIVES } from '../../shared/metrics.js';
import type { Primitive } from '../../shared/metrics.js';
import type { PerfSession } from '../../shared/contract.js';
import { BarChart } from './BarChart.js';
import { PerfTable } from './PerfTable.js';
import { formatClock, formatDate, formatDateTimeShort, formatMs } from './format.js';

/** The most recent sessions the chart shows; the session picker lists them all. */
const CHART_SESSIONS = 12;

export function PerfHistory({ sessions }: { sessions: PerfSession[] }) {
  const id = useId();
  const ordered = [...sessions].sort((a, b) => a.startedAt - b.startedAt);
  const measured = PRIMITIVES.filter((p) => ordered.some((s) => s.rows.some((r) => r.primitive === p && r.calls > 0)));
  const [choice, setChoice] = useState<Primitive | null>(null);
  const primitive = choice && measured.includes(choice) ? choice : (measured[0] ?? null);
  const [sessionChoice, setSessionChoice] = useState<string | null>(null);
  const detail = ordered.find((s) => s.sessionId === sessionChoice) ?? ordered[ordered.length - 1] ?? null;

  if (ordered.length === 0 || !primitive) {
    return <p className="muted">No past sessions recorded yet.</p>;
  }

  const recent = ordered.slice(-CHART_SESSIONS);
  const points = recent.map((s) => {
    const row = s.rows.find((r) => r.primitive === primitive);
    return { session: s, avg: row?.avgMs ?? 0, calls: row?.calls ?? 0 };
  });

  return (
    <div className="perf-history">
      <div className="field field-inline">
        <label htmlFor={`${id}-primitive`}>Primitive to chart</label>
        <select id={`${id}-primitive`} value={primitive} onChange={(e) => setChoice(e.target.value as Primitive)}>
          {measured.map((p) => (
            <option key={p} value={p}>
              {p}
            </option>
          ))}
        </select>
      </div>
      <BarChart
        title={`Average ${primitive} time per session`}
        description={`Bar chart of the average time of ${primitive} in milliseconds for the last ${recent.length} sessions, oldest first. The table "Chart data" below lists the same figures.`}
        yLabel="Avg time (ms)"
        xLabel="Session start (local time)"
        bars={points.map(({ session, avg, calls }) => ({
          key: session.sessionId,
          label: [formatDate(session.startedAt).slice(5), formatClock(session.startedAt).slice(0, 5)],
          value: avg,
          detail: `${formatDateTimeShort(session.startedAt)}: ${formatMs(avg)} ms average over ${calls} calls`,
        }))}
      />
      <details className="chart-data">
        <summary>Chart data</summary>
        <table className="data-table">
          <caption>Average {primitive} time per session</caption>
          <thead>
            <tr>
              <th scope="col">Session start</th>
              <th scope="col">Ended</th>
              <th scope="col" className="num">
                Avg Time (ms)
              </th>
              <th scope="col" className="num">
                Calls
              </th>
            </tr>
          </thead>
          <tbody>
            {points.map(({ session, avg, calls }) => (
              <tr key={session.sessionId}>
                <th scope="row">{formatDateTimeShort(session.startedAt)}</th>
                <td>{session.endedAt ? `${formatDateTimeShort(session.endedAt)}${session.interrupted ? ' (interrupted: last figures saved then)' : ''}` : 'still running'}</td>
                <td className="num">{calls ? formatMs(avg) : 'not used'}</td>
                <td className="num">{calls}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
      <div className="field field-inline">
        <label htmlFor={`${id}-session`}>Session to show in full</label>
        <select id={`${id}-session`} value={detail?.sessionId ?? ''} onChange={(e) => setSessionChoice(e.target.value)}>
          {[...ordered].reverse().map((s) => (
            <option key={s.sessionId} value={s.sessionId}>
              {formatDateTimeShort(s.startedAt)}
              {s.endedAt ? ` to ${formatClock(s.endedAt).slice(0, 5)}${s.interrupted ? ' (interrupted)' : ''}` : ' (running)'}
            </option>
          ))}
        </select>
      </div>
      {detail ? <PerfTable rows={detail.rows} caption={`Session started ${formatDateTimeShort(detail.startedAt)}`} /> : null}
    </div>
  );
}

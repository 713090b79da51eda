/** Renderer process. The seed's "Performance Metrics" table: Primitive | Avg Time (ms) | Calls. */
import { formatPerfTable } from '../../shared/metrics.js';
import type { PerfRow } from '../../shared/metrics.js';
import { formatMs } from './format.js';

export function PerfTable({ rows, caption }: { rows: PerfRow[]; caption: string }) {
  return (
    <div className="perf-table">
      <table className="data-table">
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">Primitive</th>
            <th scope="col" className="num">
              Avg Time (ms)
            </th>
            <th scope="col" className="num">
              Calls
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.length === 0 ? (
            <tr>
              <td colSpan={3} className="muted">
                Nothing measured yet: figures appear as keys are made and messages flow.
              </td>
            </tr>
          ) : (
            rows.map((row) => (
              <tr key={row.primitive}>
                <th scope="row">{row.primitive}</th>
                <td className="num">{formatMs(row.avgMs)}</td>
                <td className="num">{row.calls}</td>
              </tr>
            ))
          )}
        </tbody>
      </table>
      {rows.length > 0 ? (
        <details className="plain-table">
          <summary>Show as plain text</summary>
          <pre>{formatPerfTable(rows)}</pre>
        </details>
      ) : null}
    </div>
  );
}

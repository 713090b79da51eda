/**
 * Renderer process. The Performance tab for either role: this run's cumulative table (live, from
 * the perf events) and the history of past sessions.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { PerfSession, Role } from '../../shared/contract.js';
import type { PerfRow } from '../../shared/metrics.js';
import { useAction, useApi, useEvent } from './ApiContext.js';
import { InlineAlert } from './InlineAlert.js';
import { PerfHistory } from './PerfHistory.js';
import { PerfTable } from './PerfTable.js';

const CHANNELS = {
  doctor: { perf: 'doctor.perf', history: 'doctor.perfHistory' },
  patient: { perf: 'patient.perf', history: 'patient.perfHistory' },
} as const;

export function PerfPanel({ role }: { role: Role }) {
  const api = useApi();
  const channels = CHANNELS[role];
  const [rows, setRows] = useState<PerfRow[]>([]);
  const [sessions, setSessions] = useState<PerfSession[] | null>(null);
  const live = useAction();
  const history = useAction();
  const { run: runLive } = live;
  const { run: runHistory } = history;

  const loadHistory = useCallback(async () => {
    const result = await runHistory(() => api.invoke(channels.history, undefined));
    if (result) setSessions(result.value);
  }, [api, channels.history, runHistory]);

  // The running session is part of the history: refresh it a little after new figures arrive
  // (at most every 2 s), so the chart follows without a click.
  const historyTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  useEffect(
    () => () => {
      if (historyTimer.current) clearTimeout(historyTimer.current);
    },
    [],
  );
  useEvent(channels.perf, (payload) => {
    setRows(payload);
    historyTimer.current ??= setTimeout(() => {
      historyTimer.current = null;
      void loadHistory();
    }, 2000);
  });

  useEffect(() => {
    let cancelled = false;
    void runLive(() => api.invoke(channels.perf, undefined)).then((result) => {
      if (result && !cancelled) setRows(result.value);
    });
    return () => {
      cancelled = true;
    };
  }, [api, channels.perf, runLive]);

  useEffect(() => {
    void runHistory(() => api.invoke(channels.history, undefined)).then((result) => {
      if (result) setSessions(result.value);
    });
  }, [api, channels.history, runHistory]);

  return (
    <div className="perf-grid">
      <section className="panel" aria-labelledby={`perf-live-${role}`}>
        <h2 id={`perf-live-${role}`}>This session</h2>
        <p className="hint">
          {role === 'doctor'
            ? 'Cumulative over all patients since the app started; updates live.'
            : 'Your own measurements since the app started; updates live.'}
        </p>
        <InlineAlert message={live.error} />
        <PerfTable rows={rows} caption="Performance metrics" />
      </section>
      <section className="panel" aria-labelledby={`perf-history-${role}`}>
        <div className="panel-head">
          <h2 id={`perf-history-${role}`}>History</h2>
          <button type="button" className="button-secondary" onClick={() => void loadHistory()} disabled={history.busy}>
            Refresh history
          </button>
        </div>
        <InlineAlert message={history.error} />
        {sessions ? <PerfHistory sessions={sessions} /> : history.error ? null : <p className="muted">Loading history…</p>}
      </section>
    </div>
  );
}

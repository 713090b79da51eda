/**
 * Renderer process. The audit log: filters (kind, patient, free text), the table, and for the
 * doctor live rows, CSV and checkpoint export and the hash-chain and seal check. The patient side has the same view of its
 * own log, without export or chain check (the contract has neither for patients).
 */
import { useCallback, useEffect, useId, useRef, useState } from 'react';
import type { AuditEntry, AuditQuery, AuditVerification, Role } from '../../shared/contract.js';
import { useAction, useApi, useEvent } from './ApiContext.js';
import { InlineAlert } from './InlineAlert.js';
import { auditCheckpointFilename, auditCsvFilename, formatClock, formatDate, isoTime } from './format.js';

const LIMIT = 500;

function matches(entry: AuditEntry, query: AuditQuery): boolean {
  if (query.kind && entry.kind !== query.kind) return false;
  if (query.patientId && !(entry.patientId ?? '').toLowerCase().includes(query.patientId.toLowerCase())) return false;
  if (query.text) {
    const needle = query.text.toLowerCase();
    const haystack = [entry.kind, entry.detail, entry.patientId ?? '', entry.address ?? ''].join(' ').toLowerCase();
    if (!haystack.includes(needle)) return false;
  }
  return true;
}

function buildQuery(kind: string, patientId: string, text: string): AuditQuery {
  const query: AuditQuery = { limit: LIMIT };
  if (kind) query.kind = kind;
  if (patientId.trim()) query.patientId = patientId.trim();
  if (text.trim()) query.text = text.trim();
  return query;
}

function download(text: string, filename: string, type = 'text/csv;charset=utf-8'): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  document.body.append(link);
  link.click();
  link.remove();
  window.setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function AuditLog({ role }: { role: Role }) {
  const api = useApi();
  const id = useId();
  const isDoctor = role === 'doctor';
  const [kind, setKind] = useState('');
  const [patientId, setPatientId] = useState('');
  const [text, setText] = useState('');
  const [entries, setEntries] = useState<AuditEntry[] | null>(null);
  const [kinds, setKinds] = useState<string[]>([]);
  const [verification, setVerification] = useState<AuditVerification | null>(null);
  const [exported, setExported] = useState<string | null>(null);
  const load = useAction();
  const verify = useAction();
  const csv = useAction();
  const checkpoint = useAction();
  const { run: runLoad } = load;
  const { run: runVerify } = verify;
  const latestRequest = useRef(0);
  const query = buildQuery(kind, patientId, text);
  const queryKey = JSON.stringify(query);

  const rememberKinds = useCallback((rows: AuditEntry[]) => {
    setKinds((known) => {
      const next = new Set(known);
      for (const row of rows) next.add(row.kind);
      return next.size === known.length ? known : [...next].sort();
    });
  }, []);

  const refresh = useCallback(
    async (q: AuditQuery) => {
      const request = ++latestRequest.current;
      const result = await runLoad(() => (isDoctor ? api.invoke('doctor.audit', q) : api.invoke('patient.audit', q)));
      if (!result || request !== latestRequest.current) return;
      setEntries([...result.value].sort((a, b) => b.seq - a.seq));
      rememberKinds(result.value);
    },
    [api, isDoctor, rememberKinds, runLoad],
  );

  const checkChain = useCallback(async () => {
    if (!isDoctor) return;
    const result = await runVerify(() => api.invoke('doctor.auditVerify', undefined));
    if (result) setVerification(result.value);
  }, [api, isDoctor, runVerify]);

  useEffect(() => {
    // Typing in a filter reloads after a short pause rather than on every key.
    const timer = window.setTimeout(() => void refresh(JSON.parse(queryKey) as AuditQuery), 250);
    return () => window.clearTimeout(timer);
  }, [queryKey, refresh]);

  useEffect(() => {
    if (!isDoctor) return;
    void runVerify(() => api.invoke('doctor.auditVerify', undefined)).then((result) => {
      if (result) setVerification(result.value);
    });
  }, [api, isDoctor, runVerify]);

  // Follow-up work once a burst of changes has settled: the doctor's chain badge is checked again
  // (else it keeps saying "verified: 0 rows" above rows that arrived later), and the patient's log,
  // which has no event of its own, is reloaded when its session changes or a message arrives.
  const settleTimer = useRef<number | null>(null);
  useEffect(
    () => () => {
      if (settleTimer.current !== null) window.clearTimeout(settleTimer.current);
    },
    [],
  );
  const afterChanges = (work: () => void): void => {
    if (settleTimer.current !== null) window.clearTimeout(settleTimer.current);
    settleTimer.current = window.setTimeout(() => {
      settleTimer.current = null;
      work();
    }, 500);
  };

  useEvent('doctor.audit', (entry) => {
    if (!isDoctor) return;
    rememberKinds([entry]);
    afterChanges(() => void checkChain());
    if (!matches(entry, query)) return;
    setEntries((rows) => (rows && !rows.some((r) => r.seq === entry.seq) ? [entry, ...rows].slice(0, LIMIT) : rows));
  });

  const reloadPatientLog = (): void => {
    if (isDoctor) return;
    const latest = query;
    afterChanges(() => void refresh(latest));
  };
  useEvent('patient.changed', reloadPatientLog);
  useEvent('patient.message', reloadPatientLog);

  const exportCsv = async () => {
    setExported(null);
    const result = await csv.run(() => api.invoke('doctor.auditCsv', query));
    if (!result) return;
    const filename = auditCsvFilename(new Date());
    download(result.value, filename);
    setExported(`Saved ${filename}.`);
  };

  const exportCheckpoint = async () => {
    setExported(null);
    const result = await checkpoint.run(() => api.invoke('doctor.auditCheckpoint', undefined));
    if (!result) return;
    const filename = auditCheckpointFilename(new Date());
    download(JSON.stringify(result.value, null, 2) + '\n', filename, 'application/json');
    setExported(`Saved ${filename} (row ${result.value.seq}). Keep it off this computer: "medchat audit --verify --against ${filename}" later shows whether the log was rolled back or rewritten.`);
  };

  return (
    <section className="panel" aria-labelledby={`${id}-title`}>
      <div className="panel-head">
        <h2 id={`${id}-title`}>Audit log</h2>
        {isDoctor ? <ChainBadge verification={verification} checking={verify.busy} /> : null}
      </div>
      <form
        className="filters"
        role="search"
        aria-label="Filter the audit log"
        onSubmit={(e) => {
          e.preventDefault();
          void refresh(query);
        }}
      >
        <div className="field">
          <label htmlFor={`${id}-kind`}>Kind</label>
          <select id={`${id}-kind`} value={kind} onChange={(e) => setKind(e.target.value)}>
            <option value="">All kinds</option>
            {kinds.map((k) => (
              <option key={k} value={k}>
                {k}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${id}-patient`}>Patient</label>
          <input id={`${id}-patient`} type="text" value={patientId} onChange={(e) => setPatientId(e.target.value)} autoComplete="off" />
        </div>
        <div className="field field-grow">
          <label htmlFor={`${id}-text`}>Search</label>
          <input id={`${id}-text`} type="search" value={text} onChange={(e) => setText(e.target.value)} autoComplete="off" />
        </div>
        <div className="button-row">
          <button
            type="button"
            className="button-secondary"
            disabled={load.busy}
            onClick={() => {
              void refresh(query);
              void checkChain();
            }}
          >
            Refresh
          </button>
          {isDoctor ? (
            <>
              <button type="button" className="button-secondary" disabled={verify.busy} onClick={() => void checkChain()}>
                Verify chain
              </button>
              <button type="button" className="button-secondary" disabled={csv.busy} onClick={() => void exportCsv()}>
                Export CSV
              </button>
              <button type="button" className="button-secondary" disabled={checkpoint.busy} onClick={() => void exportCheckpoint()}>
                Export checkpoint
              </button>
            </>
          ) : null}
        </div>
      </form>
      <InlineAlert message={load.error ?? verify.error ?? csv.error ?? checkpoint.error} />
      <p role="status" className="hint">
        {exported}
      </p>
      <AuditTable entries={entries} />
    </section>
  );
}

function ChainBadge({ verification, checking }: { verification: AuditVerification | null; checking: boolean }) {
  let content = null;
  if (verification?.ok) {
    content = (
      <span className="badge badge-ok">
        <span aria-hidden="true">✓ </span>Chain verified{verification.sealChecked ? ' and sealed' : ''}: {verification.rows} rows
      </span>
    );
  } else if (verification) {
    content = (
      <span className="badge badge-bad">
        <span aria-hidden="true">✗ </span>Chain broken: {verification.problem ?? 'a row does not match the one before it'}
      </span>
    );
  } else if (checking) {
    content = <span className="badge">Checking chain…</span>;
  }
  return (
    <div role="status" className="chain-badge">
      {content}
    </div>
  );
}

function AuditTable({ entries }: { entries: AuditEntry[] | null }) {
  if (!entries) return <p className="muted">Loading the audit log…</p>;
  return (
    <div className="table-wrap">
      <table className="data-table audit-table">
        <caption>
          {entries.length === 0
            ? 'No entries match these filters.'
            : `${entries.length} ${entries.length === 1 ? 'entry' : 'entries'}, newest first${entries.length >= LIMIT ? ` (the latest ${LIMIT}; narrow the filters to see older ones)` : ''}`}
        </caption>
        <thead>
          <tr>
            <th scope="col" className="num">
              Seq
            </th>
            <th scope="col">Time</th>
            <th scope="col">Kind</th>
            <th scope="col">Patient</th>
            <th scope="col">Address</th>
            <th scope="col">Detail</th>
          </tr>
        </thead>
        <tbody>
          {entries.map((e) => (
            <tr key={e.seq}>
              <td className="num">{e.seq}</td>
              <td className="nowrap">
                <time dateTime={isoTime(e.at)}>
                  <span className="time-date">{formatDate(e.at)}</span> {formatClock(e.at)}
                </time>
              </td>
              <td>
                <span className="kind">{e.kind}</span>
              </td>
              <td className="wrap-word">{e.patientId ?? '—'}</td>
              <td className="wrap-word">{e.address ?? '—'}</td>
              <td className="detail">{e.detail}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

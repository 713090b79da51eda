/**
 * Renderer process. The connect form (doctor address, patient id, group), the progress of a
 * fresh group's generation, and Leave.
 */
import { useEffect, useId, useRef, useState } from 'react';
import type { FormEvent } from 'react';
import type { GroupChoice, PatientState, PatientStatus } from '../../shared/contract.js';
import { useAction, useApi } from '../common/ApiContext.js';
import { InlineAlert } from '../common/InlineAlert.js';
import { parsePort } from '../common/format.js';
import { useNow } from '../common/useNow.js';
import type { TimedStatus } from './PatientApp.js';
import { hostPort } from '../../shared/address.js';

const GROUPS: { value: GroupChoice; label: string }[] = [
  { value: 'ffdhe2048', label: 'RFC 7919 ffdhe2048 (2048-bit)' },
  { value: 'ffdhe3072', label: 'RFC 7919 ffdhe3072 (3072-bit)' },
  { value: 'ffdhe4096', label: 'RFC 7919 ffdhe4096 (4096-bit)' },
  { value: 'generate-2048', label: 'Generate a fresh 2048-bit group' },
  { value: 'generate-3072', label: 'Generate a fresh 3072-bit group' },
];

/** States in which a session is under way: the form is locked and Leave is offered. */
const ACTIVE: PatientState[] = ['generating-group', 'connecting', 'handshake', 'admitted', 'reconnecting'];

function isGroupChoice(value: string | null): value is GroupChoice {
  return GROUPS.some((g) => g.value === value);
}

export function ConnectPanel({ current, onStatus }: { current: TimedStatus; onStatus: (status: PatientStatus) => void }) {
  const api = useApi();
  const id = useId();
  const { status } = current;
  const [host, setHost] = useState(status.doctor?.host ?? '127.0.0.1');
  const [port, setPort] = useState(String(status.doctor?.port ?? 5050));
  const [patientId, setPatientId] = useState(status.patientId ?? '');
  const [group, setGroup] = useState<GroupChoice>(isGroupChoice(status.group) ? status.group : 'ffdhe2048');
  const connect = useAction();
  const leave = useAction();
  // The form starts as this patient last filled it (after a restart too), until the person types.
  const touched = useRef(false);
  useEffect(() => {
    if (status.doctor || status.patientId) return;
    void api.invoke('patient.lastConnect', undefined).then((result) => {
      if (!result.ok || !result.value || touched.current) return;
      setHost(result.value.host);
      setPort(String(result.value.port));
      setPatientId(result.value.patientId);
      setGroup(result.value.group);
    });
    // Once, at the first render: later statuses carry the session's own values.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);
  const active = ACTIVE.includes(status.state);
  const generating = group.startsWith('generate-');

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const portNumber = parsePort(port);
    if (!host.trim()) return connect.setError("Enter the doctor's address, for example 127.0.0.1.");
    if (portNumber === null) return connect.setError('The port must be a whole number from 1 to 65535.');
    if (!patientId.trim()) return connect.setError('Enter your patient ID.');
    const result = await connect.run(() =>
      api.invoke('patient.connect', { host: host.trim(), port: portNumber, patientId: patientId.trim(), group }),
    );
    if (result) onStatus(result.value);
  };

  const doLeave = async () => {
    const result = await leave.run(() => api.invoke('patient.leave', undefined));
    if (result) onStatus(result.value);
  };

  if (active) {
    const groupLabel = GROUPS.find((g) => g.value === group)?.label ?? group;
    return (
      <section className="panel" aria-labelledby={`${id}-title`}>
        <h2 id={`${id}-title`}>Session</h2>
        <dl className="facts">
          <dt>Doctor</dt>
          <dd>{status.doctor ? hostPort(status.doctor.host, status.doctor.port) : hostPort(host, port)}</dd>
          <dt>Patient ID</dt>
          <dd className="wrap-anywhere">{status.patientId ?? patientId}</dd>
          <dt>Group</dt>
          <dd>{status.group ?? groupLabel}</dd>
        </dl>
        <div className="button-row session-actions">
          <button type="button" className="button-danger" disabled={leave.busy} onClick={() => void doLeave()}>
            {status.state === 'reconnecting' ? 'Stop reconnecting' : 'Leave conference'}
          </button>
        </div>
        <InlineAlert message={leave.error ?? connect.error} />
        {status.state === 'generating-group' && status.generation ? (
          <GenerationProgress phase={status.generation.phase} elapsedMs={status.generation.elapsedMs} receivedAt={current.receivedAt} />
        ) : null}
      </section>
    );
  }

  return (
    <section className="panel" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>Join a conference</h2>
      <form onSubmit={(e) => void submit(e)} onInput={() => (touched.current = true)}>
        <fieldset className="connect-fields" disabled={connect.busy}>
          <legend className="visually-hidden">Doctor and patient details</legend>
          <div className="field">
            <label htmlFor={`${id}-host`}>Doctor host</label>
            <input id={`${id}-host`} type="text" value={host} onChange={(e) => setHost(e.target.value)} autoComplete="off" spellCheck={false} />
          </div>
          <div className="field field-port">
            <label htmlFor={`${id}-port`}>Doctor port</label>
            <input id={`${id}-port`} type="text" inputMode="numeric" value={port} onChange={(e) => setPort(e.target.value)} autoComplete="off" />
          </div>
          <div className="field">
            <label htmlFor={`${id}-patient`}>Patient ID</label>
            <input
              id={`${id}-patient`}
              type="text"
              value={patientId}
              onChange={(e) => setPatientId(e.target.value)}
              autoComplete="off"
              spellCheck={false}
            />
          </div>
          <div className="field field-wide">
            <label htmlFor={`${id}-group`}>Group</label>
            <select
              id={`${id}-group`}
              value={group}
              onChange={(e) => setGroup(e.target.value as GroupChoice)}
              aria-describedby={generating ? `${id}-group-note` : undefined}
            >
              {GROUPS.map((g) => (
                <option key={g.value} value={g.value}>
                  {g.label}
                </option>
              ))}
            </select>
            {generating ? (
              <p className="hint hint-warn" id={`${id}-group-note`}>
                Generating a fresh group takes several seconds{group === 'generate-3072' ? ' (3072-bit: up to a minute)' : ''} before
                the connection starts.
              </p>
            ) : null}
          </div>
        </fieldset>
        <div className="button-row">
          <button type="submit" disabled={connect.busy}>
            {connect.busy ? 'Connecting…' : status.state === 'blocked' ? 'Try again' : 'Connect'}
          </button>
        </div>
      </form>
      <InlineAlert message={connect.error ?? leave.error} />
    </section>
  );
}

function GenerationProgress({ phase, elapsedMs, receivedAt }: { phase: string; elapsedMs: number; receivedAt: number }) {
  const id = useId();
  const now = useNow(true, 500);
  const seconds = Math.floor((elapsedMs + Math.max(0, now - receivedAt)) / 1000);
  return (
    <div className="generation">
      <label htmlFor={`${id}-progress`}>Generating a fresh group: {phase}</label>
      <progress id={`${id}-progress`} aria-describedby={`${id}-elapsed`} />
      <span id={`${id}-elapsed`} role="timer" className="muted">
        {seconds} s elapsed
      </span>
    </div>
  );
}

/**
 * Renderer process. Joining and leaving: the form while no session is under way (ConnectForm.tsx);
 * during one, a single line with the doctor, the patient's id and Leave, and the progress of a
 * fresh group's generation.
 */
import { useId } from 'react';
import type { PatientState, PatientStatus } from '../../shared/contract.js';
import { useAction, useApi } from '../common/ApiContext.js';
import { InlineAlert } from '../common/InlineAlert.js';
import { useNow } from '../common/useNow.js';
import type { TimedStatus } from './PatientApp.js';
import { hostPort } from '../../shared/address.js';
import { ConnectForm } from './ConnectForm.js';

/** States in which a session is under way: the form is replaced by Leave. */
const ACTIVE: PatientState[] = ['generating-group', 'connecting', 'handshake', 'admitted', 'reconnecting'];

export interface ConnectPanelProps {
  current: TimedStatus;
  onStatus: (status: PatientStatus) => void;
  onFormError: (shown: boolean) => void;
}

export function ConnectPanel({ current, onStatus, onFormError }: ConnectPanelProps) {
  const api = useApi();
  const id = useId();
  const { status } = current;
  const leave = useAction();

  const doLeave = async () => {
    const result = await leave.run(() => api.invoke('patient.leave', undefined));
    if (result) onStatus(result.value);
  };

  if (!ACTIVE.includes(status.state)) {
    return (
      <section className="panel" aria-labelledby={`${id}-title`}>
        <h2 id={`${id}-title`}>Join a conference</h2>
        <ConnectForm status={status} onStatus={onStatus} onError={onFormError} />
        <InlineAlert message={leave.error} />
      </section>
    );
  }

  return (
    <section className="panel session-bar" aria-labelledby={`${id}-title`}>
      <div className="session-bar-row">
        <div>
          <h2 id={`${id}-title`} className="visually-hidden">
            Session
          </h2>
          <p className="session-who">
            {status.state === 'admitted' ? 'In the conference at ' : 'Doctor at '}
            <strong>{status.doctor ? hostPort(status.doctor.host, status.doctor.port) : 'the doctor'}</strong> as{' '}
            <strong className="wrap-anywhere">{status.patientId}</strong>
          </p>
        </div>
        <button type="button" className="button-danger" disabled={leave.busy} onClick={() => void doLeave()}>
          {status.state === 'reconnecting' ? 'Stop reconnecting' : 'Leave conference'}
        </button>
      </div>
      <InlineAlert message={leave.error} />
      {status.state === 'generating-group' && status.generation ? (
        <GenerationProgress phase={status.generation.phase} elapsedMs={status.generation.elapsedMs} receivedAt={current.receivedAt} />
      ) : null}
    </section>
  );
}

function GenerationProgress({ phase, elapsedMs, receivedAt }: { phase: string; elapsedMs: number; receivedAt: number }) {
  const id = useId();
  const now = useNow(true, 500);
  const seconds = Math.floor((elapsedMs + Math.max(0, now - receivedAt)) / 1000);
  return (
    <div className="generation">
      <label htmlFor={`${id}-progress`}>Making a new group: {phase}</label>
      <progress id={`${id}-progress`} aria-describedby={`${id}-elapsed`} />
      <span id={`${id}-elapsed`} role="timer" className="muted">
        {seconds} s elapsed
      </span>
    </div>
  );
}

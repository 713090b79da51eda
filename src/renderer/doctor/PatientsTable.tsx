/**
 * Renderer process. The patients connected now: handshake stage, times, fingerprint, last
 * delivery, and a Block action per row with its duration.
 */
import { useEffect, useId, useRef, useState } from 'react';
import type { BlockEntry, PatientRow } from '../../shared/contract.js';
import { useAction, useApi } from '../common/ApiContext.js';
import { Fingerprint } from '../common/Fingerprint.js';
import { InlineAlert } from '../common/InlineAlert.js';
import { formatClock, isoTime } from '../common/format.js';
import { StageStepper } from './StageStepper.js';

const BLOCK_MINUTES = [1, 2, 5, 10, 30, 60];

export function PatientsTable({
  patients,
  listening,
  onBlocked,
}: {
  patients: PatientRow[];
  listening: boolean;
  onBlocked: (entry: BlockEntry) => void;
}) {
  const id = useId();
  const admitted = patients.filter((p) => p.stage === 'admitted').length;
  return (
    <section className="panel" aria-labelledby={`${id}-title`}>
      <div className="panel-head">
        <h2 id={`${id}-title`}>Patients</h2>
        <span className="muted">
          {patients.length} connected, {admitted} admitted
        </span>
      </div>
      {patients.length === 0 ? (
        <p className="muted">{listening ? 'No patient is connected yet.' : 'Start listening so patients can connect.'}</p>
      ) : (
        <table className="data-table patients-table">
          <thead>
            <tr>
              <th scope="col">Patient</th>
              <th scope="col">Stage</th>
              <th scope="col">Times</th>
              <th scope="col">Fingerprint</th>
              <th scope="col">Last delivery</th>
              <th scope="col">Block</th>
            </tr>
          </thead>
          <tbody>
            {patients.map((p) => (
              <PatientRowView key={p.id} patient={p} onBlocked={onBlocked} />
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function Time({ at }: { at: number }) {
  return <time dateTime={isoTime(at)}>{formatClock(at)}</time>;
}

function PatientRowView({ patient, onBlocked }: { patient: PatientRow; onBlocked: (entry: BlockEntry) => void }) {
  const api = useApi();
  const id = useId();
  const [minutes, setMinutes] = useState(2);
  const [confirming, setConfirming] = useState(false);
  const confirmButton = useRef<HTMLButtonElement | null>(null);
  const block = useAction();

  // Block asks first: one click never blocks, so a second click that lands on the next row's
  // button (rows move up when one leaves) only opens that row's question.
  useEffect(() => {
    if (confirming) confirmButton.current?.focus();
  }, [confirming]);

  const doBlock = async () => {
    const result = await block.run(() => api.invoke('doctor.block', { patientId: patient.id, minutes }));
    setConfirming(false);
    if (result) onBlocked(result.value);
  };

  return (
    <tr>
      <th scope="row" className="wrap-word">
        <span className="patient-id">{patient.id}</span>
        <span className="sub">{patient.address}</span>
      </th>
      <td>
        <StageStepper stage={patient.stage} />
        {patient.unreachable ? (
          <span className="badge badge-warn" role="status">
            Unreachable{patient.lastHeardAt ? <> since <Time at={patient.lastHeardAt} /></> : null}: removed if it stays silent
          </span>
        ) : null}
      </td>
      <td className="nowrap">
        <span className="sub-label">Connected</span> <Time at={patient.connectedAt} />
        <br />
        <span className="sub-label">Admitted</span> {patient.admittedAt ? <Time at={patient.admittedAt} /> : '—'}
      </td>
      <td data-label="Fingerprint">
        <Fingerprint value={patient.fingerprint} />
      </td>
      <td data-label="Last delivery">
        {patient.lastDeliveredSeq !== null ? (
          <>
            #{patient.lastDeliveredSeq}
            {patient.lastDeliveryAt ? (
              <>
                {' '}
                at <Time at={patient.lastDeliveryAt} />
              </>
            ) : null}
          </>
        ) : (
          <span className="muted">none yet</span>
        )}
      </td>
      <td>
        <div className="block-control">
          <label htmlFor={`${id}-minutes`} className="visually-hidden">
            Block duration for {patient.id}
          </label>
          <select id={`${id}-minutes`} value={minutes} onChange={(e) => setMinutes(Number(e.target.value))}>
            {BLOCK_MINUTES.map((m) => (
              <option key={m} value={m}>
                {m} min
              </option>
            ))}
          </select>
          {confirming ? null : (
            <button type="button" className="button-danger" aria-label={`Block ${patient.id}`} onClick={() => setConfirming(true)}>
              Block
            </button>
          )}
        </div>
        {confirming ? (
          <div className="block-confirm" role="group" aria-label={`Confirm blocking ${patient.id}`} onKeyDown={(e) => e.key === 'Escape' && setConfirming(false)}>
            <span>
              Block {patient.id} for {minutes} min? They are disconnected at once.
            </span>
            <button ref={confirmButton} type="button" className="button-danger" disabled={block.busy} onClick={() => void doBlock()}>
              Yes, block {patient.id}
            </button>
            <button type="button" className="button-secondary" onClick={() => setConfirming(false)}>
              Cancel
            </button>
          </div>
        ) : null}
        <InlineAlert message={block.error} />
      </td>
    </tr>
  );
}

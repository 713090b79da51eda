/**
 * Renderer process. The patients connected now: handshake stage, times, fingerprint, last
 * delivery, and one "Block…" control per row (BlockControl.tsx). A keyboard user can skip the
 * rows straight to the message box; after a block the panel's heading takes the focus, since
 * the row that had it is gone.
 */
import { useRef } from 'react';
import type { BlockEntry, PatientRow } from '../../shared/contract.js';
import { Fingerprint } from '../common/Fingerprint.js';
import { formatClock, isoTime } from '../common/format.js';
import { BlockControl } from './BlockControl.js';
import { BROADCAST_TEXT_ID } from './BroadcastPanel.js';
import { StageStepper } from './StageStepper.js';

/** The Patients heading's id: the focus goes there when the row or request that had it is gone. */
export const PATIENTS_HEADING_ID = 'patients-heading';

export function PatientsTable({
  patients,
  listening,
  onBlocked,
}: {
  patients: PatientRow[];
  listening: boolean;
  onBlocked: (entry: BlockEntry) => void;
}) {
  const heading = useRef<HTMLHeadingElement | null>(null);
  const admitted = patients.filter((p) => p.stage === 'admitted').length;
  const blocked = (entry: BlockEntry) => {
    heading.current?.focus();
    onBlocked(entry);
  };
  return (
    <section className="panel" aria-labelledby={PATIENTS_HEADING_ID}>
      <div className="panel-head">
        <h2 id={PATIENTS_HEADING_ID} ref={heading} tabIndex={-1}>
          Patients
        </h2>
        <span className="muted">
          {patients.length} connected, {admitted} admitted
        </span>
      </div>
      {patients.length === 0 ? (
        <p className="muted">{listening ? 'No patient is connected yet.' : 'Start listening so patients can connect.'}</p>
      ) : (
        <>
          <a
            className="skip-inline"
            href={`#${BROADCAST_TEXT_ID}`}
            onClick={(e) => {
              e.preventDefault();
              document.getElementById(BROADCAST_TEXT_ID)?.focus();
            }}
          >
            Skip to the message box
          </a>
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
                <PatientRowView key={p.id} patient={p} onBlocked={blocked} />
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}

function Time({ at }: { at: number }) {
  return <time dateTime={isoTime(at)}>{formatClock(at)}</time>;
}

function PatientRowView({ patient, onBlocked }: { patient: PatientRow; onBlocked: (entry: BlockEntry) => void }) {
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
        <BlockControl patientId={patient.id} onBlocked={onBlocked} />
      </td>
    </tr>
  );
}

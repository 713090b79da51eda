/**
 * Renderer process. Fingerprints: the patient's own, and the doctor's with its pin state. A changed
 * doctor key gets a prominent warning and needs a person's explicit acceptance.
 */
import { useId } from 'react';
import type { PatientStatus } from '../../shared/contract.js';
import { useAction, useApi } from '../common/ApiContext.js';
import { Fingerprint } from '../common/Fingerprint.js';
import { InlineAlert } from '../common/InlineAlert.js';
import { hostPort } from '../../shared/address.js';

export function KeyPanel({ status }: { status: PatientStatus }) {
  const id = useId();
  return (
    <section className="panel" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>Fingerprints</h2>
      <dl className="key-facts">
        <dt>Doctor&apos;s fingerprint</dt>
        <dd>
          <Fingerprint value={status.doctorFingerprint} />
          <PinState pinState={status.pinState} />
        </dd>
        <dt>Your fingerprint</dt>
        <dd>
          <Fingerprint value={status.ownFingerprint} />
          <span className="hint">Read this aloud if the doctor asks to approve you.</span>
        </dd>
        {status.group ? (
          <>
            <dt>Group</dt>
            <dd>{status.group}</dd>
          </>
        ) : null}
      </dl>
    </section>
  );
}

function PinState({ pinState }: { pinState: PatientStatus['pinState'] }) {
  switch (pinState) {
    case 'unproven':
      return (
        <span className="pin">
          <span className="badge badge-warn">First contact: not pinned</span>{' '}
          <span className="hint">The doctor has not proven it holds this key; it is pinned once the handshake completes.</span>
        </span>
      );
    case 'new':
      return (
        <span className="pin">
          <span className="badge badge-info">First contact: pinned now</span>{' '}
          <span className="hint">Compare it with the fingerprint the doctor reads out.</span>
        </span>
      );
    case 'pinned':
      return (
        <span className="pin">
          <span className="badge badge-ok">
            <span aria-hidden="true">✓ </span>Matches the pinned key
          </span>
        </span>
      );
    case 'changed':
      return (
        <span className="pin">
          <span className="badge badge-bad">
            <span aria-hidden="true">✗ </span>Changed: connection refused
          </span>
        </span>
      );
    default:
      return null;
  }
}

export function KeyChangedWarning({ status, onStatus }: { status: PatientStatus; onStatus: (status: PatientStatus) => void }) {
  const api = useApi();
  const id = useId();
  const action = useAction();
  if (status.state !== 'key-changed' && status.pinState !== 'changed') return null;
  const fingerprint = status.doctorFingerprint;
  const acceptKey = async () => {
    if (!fingerprint) return;
    const result = await action.run(() => api.invoke('patient.acceptDoctorKey', { fingerprint }));
    if (result) onStatus(result.value);
  };
  return (
    <section className="key-warning" role="alert" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>Warning: the doctor&apos;s key has changed</h2>
      <p>
        MedChatSecure refused the connection: the doctor at{' '}
        {status.doctor ? hostPort(status.doctor.host, status.doctor.port) : 'this address'} presented a key that differs from the one
        pinned at your first contact. This happens when the doctor reinstalled the app, and also when someone is pretending to be
        the doctor.
      </p>
      <p>
        Call the doctor on a number you already know and compare this fingerprint. Accept only if it matches exactly.
      </p>
      <p className="key-warning-fp">
        <span className="sub-label">New fingerprint</span> <Fingerprint value={fingerprint} />
      </p>
      <button type="button" className="button-danger" disabled={!fingerprint || action.busy} onClick={() => void acceptKey()}>
        I verified the new fingerprint — accept
      </button>
      <InlineAlert message={action.error} />
    </section>
  );
}

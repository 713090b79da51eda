/**
 * Renderer process. The identity check in plain words: the doctor's number (fingerprint) and
 * whether it is the one seen before, and the patient's own number to read aloud. A changed doctor
 * key gets a prominent warning and needs a person's explicit acceptance.
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
      <h2 id={`${id}-title`}>Identity check</h2>
      <dl className="key-facts">
        <dt>The doctor</dt>
        <dd>
          <PinState pinState={status.pinState} />
          <Fingerprint value={status.doctorFingerprint} />
        </dd>
        <dt>You</dt>
        <dd>
          <Fingerprint value={status.ownFingerprint} />
          <span className="hint">Read your number aloud if the doctor asks, so they know it is you.</span>
        </dd>
      </dl>
    </section>
  );
}

function PinState({ pinState }: { pinState: PatientStatus['pinState'] }) {
  switch (pinState) {
    case 'unproven':
      return (
        <span className="pin">
          <span className="badge badge-warn">Not checked yet</span>{' '}
          <span className="hint">The doctor has not yet proven this number is theirs.</span>
        </span>
      );
    case 'new':
      return (
        <span className="pin">
          <span className="badge badge-info">First visit</span>{' '}
          <span className="hint">Ask the doctor to read out their number and check it matches this one.</span>
        </span>
      );
    case 'pinned':
      return (
        <span className="pin">
          <span className="badge badge-ok">
            <span aria-hidden="true">✓ </span>Same doctor as before
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
      return <span className="hint">Checked when you connect.</span>;
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

/**
 * Renderer process. How new patients are admitted (trust on first use, or ask the doctor), the
 * group key's state, and the doctor's key fingerprints to read aloud. It sits after the patients
 * and the message box: it is set once and looked up, not used every minute.
 */
import { useId, useState } from 'react';
import type { AdmissionPolicy, DoctorStatus } from '../../shared/contract.js';
import { useAction, useApi } from '../common/ApiContext.js';
import { Fingerprint } from '../common/Fingerprint.js';
import { InlineAlert } from '../common/InlineAlert.js';

const POLICIES: { value: AdmissionPolicy; label: string; hint: string }[] = [
  { value: 'tofu', label: 'Trust on first use', hint: 'Admit a new patient at once and pin their key.' },
  { value: 'ask', label: 'Ask me', hint: 'Hold each new patient until you compare their fingerprint and approve.' },
];

export function policyLabel(policy: AdmissionPolicy): string {
  return POLICIES.find((p) => p.value === policy)?.label ?? policy;
}

export function AdmissionPanel({ status, onStatus }: { status: DoctorStatus; onStatus: (status: DoctorStatus) => void }) {
  const api = useApi();
  const id = useId();
  const policy = useAction();

  // Shows the choice at once; the reply confirms it, an error puts the old one back.
  const [choosing, setChoosing] = useState<AdmissionPolicy | null>(null);
  const choosePolicy = async (next: AdmissionPolicy) => {
    setChoosing(next);
    const result = await policy.run(() => api.invoke('doctor.setPolicy', { policy: next }));
    if (result) onStatus(result.value);
    setChoosing(null);
  };

  return (
    <section className="panel" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>Admission and keys</h2>
      <fieldset className="policy">
        <legend>New patients</legend>
        {POLICIES.map((p) => (
          <div className="radio" key={p.value}>
            <input
              type="radio"
              id={`${id}-policy-${p.value}`}
              name={`${id}-policy`}
              value={p.value}
              checked={(choosing ?? status.policy) === p.value}
              disabled={policy.busy}
              aria-describedby={`${id}-policy-${p.value}-hint`}
              onChange={() => void choosePolicy(p.value)}
            />
            <label htmlFor={`${id}-policy-${p.value}`}>{p.label}</label>
            <span className="hint" id={`${id}-policy-${p.value}-hint`}>
              {p.hint}
            </span>
          </div>
        ))}
      </fieldset>
      <InlineAlert message={policy.error} />

      <h3>Your key fingerprints</h3>
      <p className="hint">Read these aloud to patients so they can check they reached you.</p>
      {status.fingerprints.length === 0 ? (
        <p className="muted" role="status">
          Making your keys (a few seconds, once)…
        </p>
      ) : (
        <ul className="fingerprints">
          {status.fingerprints.map((f) => (
            <li key={`${f.group}-${f.bits}`}>
              <span className="fp-group">
                {f.group} <span className="muted">({f.bits}-bit)</span>
              </span>
              <Fingerprint value={f.fingerprint} />
            </li>
          ))}
        </ul>
      )}

      <h3>Group key</h3>
      <dl className="facts">
        <dt>Group key epoch</dt>
        <dd>{status.epoch}</dd>
        <dt>Rekey before each broadcast</dt>
        <dd>{status.rekeyBeforeBroadcast ? 'On' : 'Off'}</dd>
      </dl>
    </section>
  );
}

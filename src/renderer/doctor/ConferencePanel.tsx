/**
 * Renderer process. Where the doctor starts and stops listening, sees the conference status,
 * reads out the key fingerprints and chooses how new patients are admitted.
 */
import { useId, useState } from 'react';
import type { FormEvent } from 'react';
import type { AdmissionPolicy, DoctorStatus } from '../../shared/contract.js';
import { useAction, useApi } from '../common/ApiContext.js';
import { Fingerprint } from '../common/Fingerprint.js';
import { InlineAlert } from '../common/InlineAlert.js';
import { parsePort } from '../common/format.js';
import { hostPort } from '../../shared/address.js';

const POLICIES: { value: AdmissionPolicy; label: string; hint: string }[] = [
  { value: 'tofu', label: 'Trust on first use', hint: 'Admit a new patient at once and pin their key.' },
  { value: 'ask', label: 'Ask me', hint: 'Hold each new patient until you compare their fingerprint and approve.' },
];

export function ConferencePanel({ status, onStatus }: { status: DoctorStatus; onStatus: (status: DoctorStatus) => void }) {
  const api = useApi();
  const id = useId();
  const [host, setHost] = useState(status.host ?? status.resume?.host ?? '127.0.0.1');
  const [port, setPort] = useState(String(status.port ?? status.resume?.port ?? 5050));
  const listen = useAction();
  const policy = useAction();

  const start = async (event: FormEvent) => {
    event.preventDefault();
    const portNumber = parsePort(port);
    if (!host.trim()) return listen.setError('Enter the address to listen on, for example 127.0.0.1.');
    if (portNumber === null) return listen.setError('The port must be a whole number from 1 to 65535.');
    const result = await listen.run(() => api.invoke('doctor.listen', { host: host.trim(), port: portNumber }));
    if (result) onStatus(result.value);
  };

  const resume = async () => {
    if (!status.resume) return;
    const result = await listen.run(() => api.invoke('doctor.listen', status.resume!));
    if (result) onStatus(result.value);
  };

  const stop = async () => {
    const result = await listen.run(() => api.invoke('doctor.stop', undefined));
    if (result) onStatus(result.value);
  };

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
      <h2 id={`${id}-title`}>Conference</h2>
      {!status.listening && status.resume ? (
        <div className="resume-offer" role="region" aria-label="Resume listening">
          <p>
            Last time you listened on <strong>{hostPort(status.resume.host, status.resume.port)}</strong> (new patients:{' '}
            {POLICIES.find((p) => p.value === status.policy)?.label.toLowerCase() ?? status.policy}).
          </p>
          <button type="button" disabled={listen.busy} onClick={() => void resume()}>
            Resume listening on {hostPort(status.resume.host, status.resume.port)}
          </button>
        </div>
      ) : null}
      <form className="listen-form" onSubmit={(e) => void start(e)}>
        <div className="field">
          <label htmlFor={`${id}-host`}>Host</label>
          <input
            id={`${id}-host`}
            type="text"
            value={status.listening ? (status.host ?? host) : host}
            onChange={(e) => setHost(e.target.value)}
            disabled={status.listening}
            autoComplete="off"
            spellCheck={false}
          />
        </div>
        <div className="field field-port">
          <label htmlFor={`${id}-port`}>Port</label>
          <input
            id={`${id}-port`}
            type="text"
            inputMode="numeric"
            value={status.listening ? String(status.port ?? port) : port}
            onChange={(e) => setPort(e.target.value)}
            disabled={status.listening}
            autoComplete="off"
          />
        </div>
        <div className="field field-action">
          {status.listening ? (
            <button type="button" className="button-secondary" disabled={listen.busy} onClick={() => void stop()}>
              Stop listening
            </button>
          ) : (
            <button type="submit" disabled={listen.busy}>
              {listen.busy ? 'Starting…' : 'Start listening'}
            </button>
          )}
        </div>
      </form>
      <InlineAlert message={listen.error} />
      <p role="status" className="status-line">
        {status.listening ? (
          <>
            <span className="badge badge-ok">Listening</span> on{' '}
            <strong>{hostPort(status.host ?? '', status.port ?? '')}</strong>
          </>
        ) : (
          <span className="badge">Not listening</span>
        )}
      </p>
      <dl className="facts">
        <dt>Group key epoch</dt>
        <dd>{status.epoch}</dd>
        <dt>Rekey before each broadcast</dt>
        <dd>{status.rekeyBeforeBroadcast ? 'On' : 'Off'}</dd>
      </dl>

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
        <p className="muted">No keys yet: a key is made for each group the first time a patient uses it.</p>
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
    </section>
  );
}

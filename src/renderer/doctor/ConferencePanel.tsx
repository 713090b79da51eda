/**
 * Renderer process. Where the doctor starts and stops listening and sees whether the conference is
 * open: a short panel (one line while listening), so the patients and the message box follow it on a small screen. The host
 * and port are checked as the doctor types; a port in use (or an address this computer does not
 * have) is marked on its field, which takes the focus. How new patients are admitted and the key
 * fingerprints are in AdmissionPanel.tsx.
 */
import { useId, useState } from 'react';
import type { FormEvent } from 'react';
import type { DoctorStatus } from '../../shared/contract.js';
import { hostPort } from '../../shared/address.js';
import { useAction, useApi } from '../common/ApiContext.js';
import { hostProblem, portProblem } from '../common/field-rules.js';
import { parsePort } from '../common/format.js';
import { InlineAlert } from '../common/InlineAlert.js';
import { FieldError, useFieldErrors } from '../common/useFieldErrors.js';
import { policyLabel } from './AdmissionPanel.js';

type Field = 'host' | 'port';
const isField = (name: string | undefined): name is Field => name === 'host' || name === 'port';

export function ConferencePanel({ status, onStatus }: { status: DoctorStatus; onStatus: (status: DoctorStatus) => void }) {
  const api = useApi();
  const id = useId();
  const [host, setHost] = useState(status.host ?? status.resume?.host ?? '127.0.0.1');
  const [port, setPort] = useState(String(status.port ?? status.resume?.port ?? 5050));
  const listen = useAction();
  const fields = useFieldErrors<Field>(id);
  const hostCheck = (v: string) => hostProblem(v, 'the address to listen on');

  // A refused listen that names a field (the port in use) is shown on that field.
  const onFieldError = (error: { field?: string; message: string }) => {
    if (!isField(error.field)) return false;
    fields.fail(error.field, error.message);
    return true;
  };

  const start = async (event: FormEvent) => {
    event.preventDefault();
    const portNumber = parsePort(port);
    if (!fields.validate([['host', hostCheck(host)], ['port', portProblem(port)]]) || portNumber === null) return;
    const result = await listen.run(() => api.invoke('doctor.listen', { host: host.trim(), port: portNumber }), onFieldError);
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

  const fieldProps = fields.textInput;

  return (
    <section className="panel" aria-labelledby={`${id}-title`}>
      <div className="panel-head conference-head">
        <h2 id={`${id}-title`}>Conference</h2>
        <p role="status" className="status-line">
          {status.listening ? (
            <>
              <span className="badge badge-ok">Listening</span> on <strong>{hostPort(status.host ?? '', status.port ?? '')}</strong>
            </>
          ) : (
            <span className="badge">Not listening</span>
          )}
        </p>
        {status.listening ? (
          <button type="button" className="button-secondary" disabled={listen.busy} onClick={() => void stop()}>
            Stop listening
          </button>
        ) : null}
      </div>
      {!status.listening && status.resume ? (
        <div className="resume-offer" role="region" aria-label="Resume listening">
          <p>
            Last time you listened on <strong>{hostPort(status.resume.host, status.resume.port)}</strong> (new patients:{' '}
            {policyLabel(status.policy).toLowerCase()}).
          </p>
          <button type="button" disabled={listen.busy} onClick={() => void resume()}>
            Resume listening on {hostPort(status.resume.host, status.resume.port)}
          </button>
        </div>
      ) : null}
      {status.listening ? null : (
        <form className="listen-form" onSubmit={(e) => void start(e)} noValidate>
          <div className="field">
            <label htmlFor={`${id}-host`}>Host</label>
            <input {...fieldProps('host', host, setHost, hostCheck)} />
            <FieldError id={fields.errorId('host')} message={fields.errors.host} />
          </div>
          <div className="field field-port">
            <label htmlFor={`${id}-port`}>Port</label>
            <input {...fieldProps('port', port, setPort, (v) => portProblem(v))} inputMode="numeric" />
            <FieldError id={fields.errorId('port')} message={fields.errors.port} />
          </div>
          <div className="field field-action">
            <button type="submit" disabled={listen.busy}>
              {listen.busy ? 'Starting…' : 'Start listening'}
            </button>
          </div>
        </form>
      )}
      <InlineAlert message={listen.error} />
    </section>
  );
}

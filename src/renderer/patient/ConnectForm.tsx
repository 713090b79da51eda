/**
 * Renderer process. The form to join a conference: the doctor's address, the patient's id and the
 * group. It starts as this patient last filled it (the session just ended, or the app's last run),
 * offers the groups this patient generated and kept, checks each field as the person types (the
 * main process's rules, in words), and moves the focus to the first field at fault.
 */
import { useEffect, useId, useRef, useState } from 'react';
import type { FormEvent } from 'react';
import type { GroupChoice, PatientStatus, SavedGroup } from '../../shared/contract.js';
import { useAction, useApi } from '../common/ApiContext.js';
import { hostProblem, patientIdProblem, portProblem } from '../common/field-rules.js';
import { parsePort } from '../common/format.js';
import { InlineAlert } from '../common/InlineAlert.js';
import { FieldError, useFieldErrors } from '../common/useFieldErrors.js';
import { NEW_GROUPS, savedGroupOptions, STANDARD_GROUPS } from './groups.js';

type Field = 'host' | 'port' | 'patientId';

export interface ConnectFormProps {
  status: PatientStatus;
  onStatus: (status: PatientStatus) => void;
  /** Whether the form shows an error of its own (the banner above then keeps quiet about older ones). */
  onError: (shown: boolean) => void;
}

export function ConnectForm({ status, onStatus, onError }: ConnectFormProps) {
  const api = useApi();
  const id = useId();
  const [host, setHost] = useState(status.doctor?.host ?? '127.0.0.1');
  const [port, setPort] = useState(String(status.doctor?.port ?? 5050));
  const [patientId, setPatientId] = useState(status.patientId ?? '');
  const [group, setGroup] = useState<GroupChoice>(status.groupChoice ?? 'ffdhe2048');
  const [saved, setSaved] = useState<SavedGroup[]>([]);
  const connect = useAction();
  const fields = useFieldErrors<Field>(id);
  const touched = useRef(false);

  useEffect(() => {
    void api.invoke('patient.groups', undefined).then((result) => {
      if (result.ok) setSaved(result.value);
    });
    // A first start in this run: the form as this patient last submitted it (after a restart too).
    if (status.doctor || status.patientId) return;
    void api.invoke('patient.lastConnect', undefined).then((result) => {
      if (!result.ok || !result.value || touched.current) return;
      setHost(result.value.host);
      setPort(String(result.value.port));
      setPatientId(result.value.patientId);
      setGroup(result.value.group);
    });
    // Once, when the form appears: later statuses carry the session's own values.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  const hasError = Boolean(connect.error) || Object.keys(fields.errors).length > 0;
  useEffect(() => onError(hasError), [hasError, onError]);
  useEffect(() => () => onError(false), [onError]);

  // A remembered saved group that is gone (another computer's folder, a deleted key) is not offered.
  const groupValue = group.startsWith('saved:') && !saved.some((g) => g.choice === group) && saved.length > 0 ? 'ffdhe2048' : group;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    connect.setError(null);
    const valid = fields.validate([
      ['host', hostProblem(host, "the doctor's address")],
      ['port', portProblem(port)],
      ['patientId', patientIdProblem(patientId)],
    ]);
    const portNumber = parsePort(port);
    if (!valid || portNumber === null) return;
    const result = await connect.run(() => api.invoke('patient.connect', { host: host.trim(), port: portNumber, patientId: patientId.trim(), group: groupValue }));
    if (result) onStatus(result.value);
  };

  const savedOptions = savedGroupOptions(saved);
  const generating = groupValue.startsWith('generate-');
  const fieldProps = fields.textInput;

  return (
    <form onSubmit={(e) => void submit(e)} onInput={() => (touched.current = true)} noValidate>
      <fieldset className="connect-fields" disabled={connect.busy}>
        <legend className="visually-hidden">Doctor and patient details</legend>
        <div className="field">
          <label htmlFor={`${id}-host`}>Doctor host</label>
          <input {...fieldProps('host', host, setHost, (v) => hostProblem(v, "the doctor's address"))} />
          <FieldError id={fields.errorId('host')} message={fields.errors.host} />
        </div>
        <div className="field field-port">
          <label htmlFor={`${id}-port`}>Doctor port</label>
          <input {...fieldProps('port', port, setPort, (v) => portProblem(v))} inputMode="numeric" />
          <FieldError id={fields.errorId('port')} message={fields.errors.port} />
        </div>
        <div className="field field-wide">
          <label htmlFor={`${id}-patientId`}>Patient ID</label>
          <input {...fieldProps('patientId', patientId, setPatientId, patientIdProblem)} />
          <FieldError id={fields.errorId('patientId')} message={fields.errors.patientId} />
        </div>
        <div className="field field-wide">
          <label htmlFor={`${id}-group`}>Group</label>
          <select
            id={`${id}-group`}
            value={groupValue}
            onChange={(e) => setGroup(e.target.value as GroupChoice)}
            aria-describedby={generating ? `${id}-group-note` : undefined}
          >
            <optgroup label="Standard groups">
              {STANDARD_GROUPS.map((g) => (
                <option key={g.value} value={g.value}>
                  {g.label}
                </option>
              ))}
            </optgroup>
            {savedOptions.length > 0 ? (
              <optgroup label="Groups you made (your key in each is kept)">
                {savedOptions.map((g) => (
                  <option key={g.value} value={g.value}>
                    {g.label}
                  </option>
                ))}
              </optgroup>
            ) : null}
            <optgroup label="A new group">
              {NEW_GROUPS.map((g) => (
                <option key={g.value} value={g.value}>
                  {g.label}
                </option>
              ))}
            </optgroup>
          </select>
          {generating ? (
            <p className="hint hint-warn" id={`${id}-group-note`}>
              Making a new group takes {groupValue === 'generate-3072' ? 'up to a minute' : 'a few seconds'} before the connection
              starts, and gives you a new key: a doctor who already knows you will have to accept it. The group is kept, so you can
              choose it again next time.
            </p>
          ) : null}
        </div>
      </fieldset>
      <div className="button-row">
        <button type="submit" disabled={connect.busy}>
          {connect.busy ? 'Connecting…' : status.state === 'blocked' ? 'Try again' : 'Connect'}
        </button>
      </div>
      <InlineAlert message={connect.error} />
    </form>
  );
}

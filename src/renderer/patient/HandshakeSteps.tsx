/**
 * Renderer process. The connection's details, closed by default: the handshake as it happens (a
 * vertical stepper of the six steps with the time each completed, the one under way, where it
 * stopped if it failed) and the group.
 */
import { useId } from 'react';
import type { HandshakeStep, PatientStatus } from '../../shared/contract.js';
import { formatClockMs, isoTime } from '../common/format.js';

/** Each step in plain words, with what happens on the wire for whoever wants it. */
const STEPS: { step: HandshakeStep; label: string; detail: string }[] = [
  { step: 'connect', label: 'Reach the doctor', detail: 'TCP connection' },
  { step: 'hello', label: 'Introduce yourself', detail: 'Hello (opcode 5): your id, public key and group' },
  { step: 'key-exchange', label: 'Send a secret for this session', detail: "Key exchange (opcode 10): encrypted to the doctor's key, signed with yours" },
  { step: 'session-token', label: 'The doctor proves who they are', detail: "Session token (opcode 20): the doctor's signature checked" },
  { step: 'verifier', label: 'Confirm the session key', detail: 'Verifier: both sides hold the same key' },
  { step: 'admitted', label: 'Admitted', detail: "Group key received (opcode 30): the doctor's messages are decrypted with it" },
];

/** The handshake and the group, one click away: closed until the person opens it. */
export function ConnectionDetails({ status }: { status: PatientStatus }) {
  return (
    <details className="panel details-panel">
      <summary>Connection details</summary>
      <HandshakeSteps status={status} />
      {status.group ? (
        <dl className="facts">
          <dt>Group</dt>
          <dd>{status.group.startsWith('ffdhe') ? `${status.group} (RFC 7919)` : status.group}</dd>
          <dt>Encryption</dt>
          <dd>ElGamal handshake; messages in AES-256-CBC with HMAC-SHA-256 under the group key</dd>
        </dl>
      ) : null}
    </details>
  );
}

export function HandshakeSteps({ status }: { status: PatientStatus }) {
  const id = useId();
  const done = new Map(status.steps.map((s) => [s.step, s.at]));
  const firstOpen = STEPS.findIndex((s) => !done.has(s.step));
  const running = status.state === 'connecting' || status.state === 'handshake';
  const stopped = !running && status.steps.length > 0 && firstOpen !== -1 && status.state !== 'idle';
  const start = status.steps[0]?.at ?? null;

  return (
    <section aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`}>Handshake</h3>
      {status.steps.length === 0 && !running ? (
        <p className="muted">The steps appear here while you connect.</p>
      ) : (
        <ol className="stepper">
          {STEPS.map((s, i) => {
            const at = done.get(s.step);
            const state = at !== undefined ? 'done' : i === firstOpen && running ? 'current' : i === firstOpen && stopped ? 'failed' : 'waiting';
            const stateText = { done: 'done', current: 'in progress', failed: 'did not complete', waiting: stopped ? 'not reached' : 'waiting' }[state];
            return (
              <li key={s.step} className={`step step-${state}`} aria-current={state === 'current' ? 'step' : undefined}>
                <span className="step-marker" aria-hidden="true">
                  {state === 'done' ? '✓' : state === 'failed' ? '✗' : i + 1}
                </span>
                <div className="step-body">
                  <span className="step-label">{s.label}</span>
                  <span className="step-state">
                    {stateText}
                    {at !== undefined ? (
                      <>
                        {' '}
                        at <time dateTime={isoTime(at)}>{formatClockMs(at)}</time>
                        {start !== null && at > start ? <span className="muted"> (+{at - start} ms)</span> : null}
                      </>
                    ) : null}
                  </span>
                  <span className="step-detail">{s.detail}</span>
                </div>
              </li>
            );
          })}
        </ol>
      )}
    </section>
  );
}

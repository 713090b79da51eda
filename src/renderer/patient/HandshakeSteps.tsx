/**
 * Renderer process. The handshake as it happens: a vertical stepper of the six steps with the
 * time each completed, the one under way, and where it stopped if it failed.
 */
import { useId } from 'react';
import type { HandshakeStep, PatientStatus } from '../../shared/contract.js';
import { formatClockMs, isoTime } from '../common/format.js';

const STEPS: { step: HandshakeStep; label: string; detail: string }[] = [
  { step: 'connect', label: 'Connect', detail: 'TCP connection to the doctor' },
  { step: 'hello', label: 'Hello (op 5)', detail: 'Public parameters and keys exchanged' },
  { step: 'key-exchange', label: 'Key exchange (op 10)', detail: 'Your signed, encrypted session secret' },
  { step: 'session-token', label: 'Session token (op 20)', detail: "The doctor's signed reply checked" },
  { step: 'verifier', label: 'Verifier', detail: 'Session key confirmed to the doctor' },
  { step: 'admitted', label: 'Admitted', detail: 'You receive the group key and broadcasts' },
];

export function HandshakeSteps({ status }: { status: PatientStatus }) {
  const id = useId();
  const done = new Map(status.steps.map((s) => [s.step, s.at]));
  const firstOpen = STEPS.findIndex((s) => !done.has(s.step));
  const running = status.state === 'connecting' || status.state === 'handshake';
  const stopped = !running && status.steps.length > 0 && firstOpen !== -1 && status.state !== 'idle';
  const start = status.steps[0]?.at ?? null;

  return (
    <section className="panel" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>Handshake</h2>
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

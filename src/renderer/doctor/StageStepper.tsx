/**
 * Renderer process. Where a patient is in the handshake, as text first ("3 of 5: Session token")
 * with a row of dots beside it; "awaiting approval" is the pause between verifier and admitted.
 */
import type { PatientStage } from '../../shared/contract.js';

const STEPS: { stage: PatientStage; label: string }[] = [
  { stage: 'hello', label: 'Hello' },
  { stage: 'key-exchange', label: 'Key exchange' },
  { stage: 'session-token', label: 'Session token' },
  { stage: 'verifier', label: 'Verifier' },
  { stage: 'admitted', label: 'Admitted' },
];

export function StageStepper({ stage }: { stage: PatientStage }) {
  const waiting = stage === 'awaiting-approval';
  // Awaiting approval: the verifier passed, admission has not happened.
  const index = waiting ? 3 : STEPS.findIndex((s) => s.stage === stage);
  const label = waiting ? 'Awaiting your approval' : (STEPS[index]?.label ?? stage);
  const tone = stage === 'admitted' ? 'badge-ok' : waiting ? 'badge-warn' : 'badge-info';
  return (
    <div className="stage">
      <span className={`badge ${tone}`}>
        {waiting || stage === 'admitted' ? label : `${index + 1} of ${STEPS.length}: ${label}`}
      </span>
      <span className="stage-dots" aria-hidden="true">
        {STEPS.map((s, i) => (
          <span
            key={s.stage}
            className={`stage-dot ${i < index || stage === 'admitted' ? 'done' : i === index ? 'current' : ''}`}
          />
        ))}
      </span>
    </div>
  );
}

/**
 * When and whether a patient dials again by itself (issue 10). A session that ends for any
 * reason but a block, the patient's own leaving, or a decision a person must take (a changed
 * doctor key, a declined or replaced key) is retried: the doctor restarted, the link died, the
 * network was down at start, the conference was full. Waits grow exponentially from 1 s, capped
 * at 30 s, with "equal jitter" (half the wait fixed, half random), so patients cut off together
 * do not all dial back in the same instant; the count starts again after an admission.
 */

export const RECONNECT_BASE_MS = 1_000;
export const RECONNECT_CAP_MS = 30_000;

/** Ends after which a person must act: the patient does not dial again by itself. */
const FINAL_CODES: ReadonlySet<string> = new Set([
  'BLOCKED',
  'LEFT',
  'CANCELLED',
  'DOCTOR_KEY_CHANGED',
  'REJECTED',
  'KEY_REPLACED',
  'APPROVAL_TIMEOUT',
  'PENDING_KEY_CHANGE',
]);

export function shouldReconnect(outcome: { state: string; code: string }): boolean {
  return outcome.state === 'disconnected' && !FINAL_CODES.has(outcome.code);
}

/** The wait before attempt `attempt` (1, 2, ...): between half and all of min(cap, base * 2^(attempt-1)). */
export function reconnectDelay(attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(RECONNECT_CAP_MS, RECONNECT_BASE_MS * 2 ** Math.min(30, Math.max(0, attempt - 1)));
  const drawn = random();
  const r = Number.isFinite(drawn) ? Math.min(1, Math.max(0, drawn)) : 1;
  return Math.round(ceiling / 2 + (r * ceiling) / 2);
}

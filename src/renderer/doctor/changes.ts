/**
 * Renderer process. What changed between two doctor snapshots, in sentences for the screen-reader
 * announcer: a patient asks for approval, is admitted, leaves.
 */
import type { DoctorSnapshot } from '../../shared/contract.js';

export function describeChanges(before: DoctorSnapshot, after: DoctorSnapshot): string[] {
  const sentences: string[] = [];
  const pendingBefore = new Set(before.pending.map((p) => p.id));
  for (const p of after.pending) {
    if (!pendingBefore.has(p.id)) sentences.push(`Patient ${p.id} asks to join and waits for your approval.`);
  }
  const admittedBefore = new Set(before.patients.filter((p) => p.stage === 'admitted').map((p) => p.id));
  const present = new Set(after.patients.map((p) => p.id));
  for (const p of after.patients) {
    if (p.stage === 'admitted' && !admittedBefore.has(p.id)) sentences.push(`Patient ${p.id} admitted.`);
  }
  for (const id of admittedBefore) {
    if (!present.has(id)) sentences.push(`Patient ${id} left the conference.`);
  }
  return sentences.length > 2 ? [sentences.join(' ')] : sentences;
}

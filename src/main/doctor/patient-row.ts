/** A patient connection as the doctor's patient list (the UI, the CLI's "list") shows it. */
import type { PatientRow } from '../../shared/contract.js';
import type { PatientSession } from './session.js';

/** Null before its hello (no id yet) or once closed. */
export function patientRow(s: PatientSession): PatientRow | null {
  if (s.patientId === null || s.stage === 'closed') return null;
  return {
    id: s.patientId,
    address: s.address,
    stage: s.stage,
    connectedAt: s.connectedAt,
    admittedAt: s.admittedAt,
    fingerprint: s.fingerprint,
    lastDeliveredSeq: s.lastDeliveredSeq,
    lastDeliveryAt: s.lastDeliveryAt,
    lastHeardAt: s.isAdmitted ? s.lastHeardAt : null,
    unreachable: s.unreachable,
  };
}

/** The doctor's tunables, with the seed's defaults (ΔTS 5 s, 2-minute blocks). */
import type { AdmissionPolicy } from '../../shared/contract.js';

export interface DoctorConfig {
  /** Shown to patients and bound into every transcript. */
  doctorId: string;
  /** Maximum |now - ts| accepted on handshake messages (ΔTS). */
  maxClockSkewMs: number;
  /** Length of the block that a failed handshake of an unpinned id earns. */
  failureBlockMinutes: number;
  /** Default length of a block the doctor imposes. */
  defaultBlockMinutes: number;
  /** A handshake must reach admission (or the approval queue) within this time. */
  handshakeTimeoutMs: number;
  /** How long a new key waits for the doctor's approval under the "ask" policy. */
  approvalTimeoutMs: number;
  policy: AdmissionPolicy;
  /** The seed's behaviour: a fresh group key before every broadcast. */
  rekeyBeforeBroadcast: boolean;
  /**
   * Joins and departures within this window share one new group key (0: a rekey for each).
   * A broadcast never waits for it: pending changes are keyed before the broadcast goes out.
   */
  rekeyWindowMs: number;
  /** Custom (patient-generated) groups the doctor keeps identity keys for. */
  maxCustomGroups: number;
  /** Handshakes a source address may start per minute. */
  handshakesPerMinute: number;
  /** Failures (bad signatures, impostor attempts) after which an address is refused for a while. */
  maxStrikes: number;
  strikeWindowMs: number;
  /** Connections the doctor holds at once, admitted or not; more get opcode 60 CONFERENCE_FULL. */
  maxConnections: number;
  /** Unfinished (not yet admitted) connections one source address may hold; more get TOO_MANY_CONNECTIONS. */
  maxUnauthenticatedPerAddress: number;
  /** A new connection must send its hello within this time (IDLE_TIMEOUT), well before the handshake's deadline. */
  firstMessageTimeoutMs: number;
  /** Failed handshakes of one key from one address before that key is refused from there for failureBlockMinutes. */
  maxKeyFailures: number;
  /** How long a key-change, look-alike or new-patient request waits for the doctor. */
  pendingTimeoutMs: number;
  /** Requests waiting at once: per id, per source address, and in all. */
  maxPendingPerId: number;
  maxPendingPerAddress: number;
  maxPending: number;
  /**
   * An admitted patient from whom nothing authenticated arrives for this long is removed
   * (liveness.ts: heartbeats every third of it, "unreachable" at half of it).
   */
  livenessTimeoutMs: number;
}

export const DEFAULT_DOCTOR_CONFIG: DoctorConfig = {
  doctorId: 'doctor',
  maxClockSkewMs: 5_000,
  failureBlockMinutes: 2,
  defaultBlockMinutes: 2,
  handshakeTimeoutMs: 10_000,
  approvalTimeoutMs: 5 * 60_000,
  policy: 'tofu',
  rekeyBeforeBroadcast: true,
  rekeyWindowMs: 50,
  maxCustomGroups: 16,
  handshakesPerMinute: 60,
  maxStrikes: 10,
  strikeWindowMs: 10 * 60_000,
  maxConnections: 2_048,
  maxUnauthenticatedPerAddress: 8,
  firstMessageTimeoutMs: 3_000,
  maxKeyFailures: 3,
  pendingTimeoutMs: 10 * 60_000,
  maxPendingPerId: 4,
  maxPendingPerAddress: 4,
  maxPending: 256,
  livenessTimeoutMs: 30_000,
};

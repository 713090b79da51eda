/** What a PatientSession may ask of the Doctor: shared state and the decisions it owns. */
import type { AsyncCrypto, Group } from '../crypto/index.js';
import type { DisconnectCode, DoctorMessage } from '../protocol/index.js';
import type { Timers } from '../../shared/timers.js';
import type { DoctorConfig } from './config.js';
import type { GroupChecker } from './group-checker.js';
import type { DoctorIdentity } from './identity.js';
import type { ReplayCache } from './replay-cache.js';
import type { HandshakeFailure, PatientSession } from './session.js';

export interface DoctorContext {
  readonly config: DoctorConfig;
  readonly crypto: AsyncCrypto;
  readonly groups: GroupChecker;
  readonly identity: DoctorIdentity;
  readonly replays: ReplayCache;
  readonly timers: Timers;
  now(): number;
  fingerprint(group: Group, y: bigint): string;
  /** Rate limit and block list; a message to end with, or null to go on. */
  screenHello(session: PatientSession, patientId: string): DoctorMessage | null;
  /** The key presented: refused from this address after failed handshakes; a message to end with, or null to go on. */
  screenKey(session: PatientSession, patientId: string, fingerprint: string): DoctorMessage | null;
  joined(session: PatientSession): void;
  /** A failed handshake check: the outsider rule decides between block and refusal. */
  handshakeFailure(session: PatientSession, failure: HandshakeFailure): DoctorMessage;
  protocolFailure(session: PatientSession, code: DisconnectCode, detail?: string): void;
  /** The connection did not finish its handshake in time: a strike against its address. */
  timedOut(session: PatientSession): void;
  /** The patient proved its key and the session key. */
  proven(session: PatientSession): void;
  /** An authenticated acknowledgement; true if it was the first for that broadcast. */
  delivered(session: PatientSession, seq: number): boolean;
  /** An unreachable patient answered again. */
  reachable(session: PatientSession): void;
  exited(session: PatientSession): void;
  peerDisconnected(session: PatientSession, code: string, reason: string): void;
  sessionClosed(session: PatientSession, wasAdmitted: boolean): void;
}

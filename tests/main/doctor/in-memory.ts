/**
 * A doctor and its patients in one process without sockets or real time: the real Doctor and the
 * real PatientSession joined by in-memory channels (src/main/net/memory.ts), crypto inline, an
 * in-memory store and key vault, and FakeTime for every clock and deadline.
 */
import { AsyncCrypto, FFDHE2048, type KeyPair } from '../../../src/main/crypto/index.js';
import { DEFAULT_DOCTOR_CONFIG, type DoctorConfig } from '../../../src/main/doctor/config.js';
import { Doctor } from '../../../src/main/doctor/doctor.js';
import { createChannelPair, type FrameHandler, type FramedChannel } from '../../../src/main/net/index.js';
import { PatientSession } from '../../../src/main/patient/session.js';
import { decodeFromDoctor, encodePatientMessage, type DoctorMessage, type PatientMessage } from '../../../src/main/protocol/index.js';
import { openStoreFile, type KeyVault } from '../../../src/main/store/index.js';
import type { AuditEntry, FeedMessage } from '../../../src/shared/contract.js';
import { FakeTime, settle } from '../../fixtures/fake-time.js';

export interface MemoryDoctor {
  time: FakeTime;
  doctor: Doctor;
  audit: AuditEntry[];
  crypto: AsyncCrypto;
  close(): Promise<void>;
}

let nextPort = 41000;

export function memoryDoctor(config: Partial<DoctorConfig> = {}): MemoryDoctor {
  const time = new FakeTime();
  const store = openStoreFile(':memory:', { now: time.now });
  const keys = new Map<string, bigint>();
  const vault: KeyVault = { get: (id) => keys.get(id), put: (id, x) => void keys.set(id, x), remove: (id) => void keys.delete(id) };
  const crypto = new AsyncCrypto({ workers: 0 });
  const audit: AuditEntry[] = [];
  const doctor = new Doctor({ config: { ...DEFAULT_DOCTOR_CONFIG, ...config }, crypto, store, vault, now: time.now, timers: time, onAudit: (e) => audit.push(e) });
  return {
    time,
    doctor,
    audit,
    crypto,
    async close() {
      await doctor.shutdown();
      await crypto.close();
      store.close();
    },
  };
}

export interface MemoryPatient {
  id: string;
  keyPair: KeyPair;
  session: PatientSession;
  state: 'handshake' | 'waiting' | 'admitted' | 'blocked' | 'key-changed' | 'disconnected';
  reason: string | null;
  blockedUntil: number | null;
  messages: FeedMessage[];
  /** The epoch of the first group key it received (null before). */
  firstEpoch: number | null;
  /** Why broadcasts were dropped (never shown). */
  dropped: string[];
  /** The doctor's end of the channel: a test can send frames as if from the doctor (or a relay). */
  doctorEnd: FramedChannel;
  /** The patient's end: a test can wrap its send() to mute or record what the patient sends. */
  patientEnd: FramedChannel;
  /** The path between them: `link.up = false` drops every frame both ways, as a dead link does. */
  link: { up: boolean };
  /** When its session ended (fake time). */
  endedAt: number | null;
}

/** A real patient session dialling `d` over an in-memory channel, from `ip`. */
export function memoryPatient(d: MemoryDoctor, id: string, options: { ip?: string; keyPair?: KeyPair; livenessTimeoutMs?: number } = {}): MemoryPatient {
  const link = { up: true };
  const [patientEnd, doctorEnd] = createChannelPair({ ip: options.ip ?? '127.0.0.1', port: nextPort++ }, { ip: '127.0.0.1', port: 5050 }, link);
  d.doctor.accept(doctorEnd);
  const crypto = new AsyncCrypto({ workers: 0 });
  const keyPair = options.keyPair ?? crypto.engine.generateKeyPair(FFDHE2048);
  const patient = { id, keyPair, state: 'handshake', reason: null, blockedUntil: null, messages: [], firstEpoch: null, dropped: [], doctorEnd, patientEnd, link, endedAt: null } as unknown as MemoryPatient;
  patient.session = new PatientSession(
    patientEnd,
    id,
    keyPair,
    crypto,
    d.time.now,
    {
      step: () => {},
      checkDoctorKey: () => 'ok',
      doctorProven: () => true,
      awaitingApproval: () => void (patient.state = 'waiting'),
      admitted: (epoch) => {
        patient.state = 'admitted';
        patient.firstEpoch = epoch;
      },
      message: (m) => void patient.messages.push(m),
      dropped: (why) => void patient.dropped.push(why),
      ended: (outcome) => {
        patient.state = outcome.state;
        patient.reason = outcome.reason;
        patient.endedAt = d.time.now();
        patient.blockedUntil = outcome.blockedUntil ?? null;
      },
    },
    { maxClockSkewMs: 5_000, handshakeTimeoutMs: 15_000, timers: d.time, ...(options.livenessTimeoutMs ? { livenessTimeoutMs: options.livenessTimeoutMs } : {}) },
  );
  patient.session.start();
  return patient;
}

/** A raw peer at the doctor: sends what the test says, records what the doctor sends. */
export interface RawPeer {
  received: (DoctorMessage | { op: 'closed' })[];
  send(message: PatientMessage): void;
  channel: FramedChannel;
}

export function rawPeer(d: MemoryDoctor, ip = '127.0.0.9'): RawPeer {
  const [mine, doctorEnd] = createChannelPair({ ip, port: nextPort++ }, { ip: '127.0.0.1', port: 5050 });
  const received: RawPeer['received'] = [];
  const handler: FrameHandler = {
    onFrame: (body) => void received.push(decodeFromDoctor(body)),
    onProtocolError: () => {},
    onClose: () => void received.push({ op: 'closed' }),
  };
  mine.start(handler);
  d.doctor.accept(doctorEnd);
  return { received, channel: mine, send: (m) => void mine.send(encodePatientMessage(m)) };
}

/**
 * Lets handshakes in flight finish, then closes the rekey window (DoctorConfig.rekeyWindowMs),
 * so every admitted patient holds the group key: the point where a patient shows "admitted".
 */
export async function untilKeyed(d: MemoryDoctor): Promise<void> {
  await settle();
  await d.time.advance(d.doctor.config.rekeyWindowMs);
}

export { settle };

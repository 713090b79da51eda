/** Raw patients that complete the handshake and follow the group key, for tests. */
import type { SealKeys } from '../../../src/main/crypto/index.js';
import { handshake, openGroupKey, type HandshakeOptions, type Received, type Session } from './raw-patient.js';

export interface Member extends Session {
  patientId: string;
  /** Broadcast keys by epoch, from every opcode 30 received. */
  keysByEpoch: Map<number, SealKeys>;
  /** Processes opcode 30s received so far. */
  sync(): void;
  broadcasts(): Extract<Received, { op: 40 }>[];
}

export async function join(port: number, options: HandshakeOptions): Promise<Member> {
  const session = await handshake(port, options);
  const first = await session.client.waitFor((m) => m.op === 30 || m.op === 60 || m.op === 80 || m.op === 'closed');
  if (first.op !== 30) throw new Error(`not admitted: ${JSON.stringify(first)}`);
  const keysByEpoch = new Map<number, SealKeys>();
  let seen = 0;
  const member: Member = {
    ...session,
    patientId: options.patientId,
    keysByEpoch,
    sync() {
      for (const m of session.client.received.slice(seen)) {
        if (m.op === 30) keysByEpoch.set(m.epoch, openGroupKey(session, options.patientId, m));
      }
      seen = session.client.received.length;
    },
    broadcasts() {
      return session.client.received.filter((m): m is Extract<Received, { op: 40 }> => m.op === 40);
    },
  };
  member.sync();
  return member;
}

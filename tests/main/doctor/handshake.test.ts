/**
 * The doctor's and the patient's state machines in memory and on fake time (issue 8, item 4):
 * whole handshakes, the deadlines (first message, handshake, approval, request expiry) and a
 * stalled handshake that never receives a broadcast, without sockets or real seconds.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { FFDHE2048 } from '../../../src/main/crypto/index.js';
import { createChannelPair } from '../../../src/main/net/index.js';
import { PatientSession } from '../../../src/main/patient/session.js';
import { keyExchangeTranscript, type DoctorMessageOf } from '../../../src/main/protocol/index.js';
import { memoryDoctor, memoryPatient, rawPeer, settle, untilKeyed, type MemoryDoctor } from './in-memory.js';

let d: MemoryDoctor | null = null;
afterEach(async () => {
  await d?.close();
  d = null;
});

describe('handshakes in memory, on fake time', () => {
  it('admits a patient and delivers a broadcast it acknowledges', async () => {
    d = memoryDoctor();
    const alice = memoryPatient(d, 'alice');
    await settle();
    // Proven and admitted at the doctor; its first group key comes when the rekey window closes.
    expect(alice.state).toBe('handshake');
    await untilKeyed(d);
    expect(alice.state).toBe('admitted');
    const receipt = d.doctor.broadcast('take your 5 mg dose at 09:00');
    await settle();
    expect(alice.messages.map((m) => m.text)).toEqual(['take your 5 mg dose at 09:00']);
    expect(d.doctor.conference.recentReceipts().find((r) => r.seq === receipt.seq)?.delivered).toEqual(['alice']);
    expect(d.audit.map((e) => e.kind)).toEqual(expect.arrayContaining(['join', 'admitted', 'rekey', 'broadcast']));
  });

  it('drops a connection that says nothing at the first-message deadline, long before the handshake deadline', async () => {
    d = memoryDoctor({ firstMessageTimeoutMs: 3_000, handshakeTimeoutMs: 10_000 });
    const idle = rawPeer(d);
    await d.time.advance(2_999);
    expect(idle.received).toEqual([]);
    await d.time.advance(1);
    expect(idle.received[0]).toMatchObject({ op: 60, code: 'IDLE_TIMEOUT' });
    expect(idle.received.at(-1)).toEqual({ op: 'closed' });
  });

  it("counts only the patient's time against the handshake deadline, not the doctor's own queue", async () => {
    d = memoryDoctor({ handshakeTimeoutMs: 10_000 });
    const time = d.time;
    // The doctor's verification waits 12 s on its (fake) clock: a queue in a join storm.
    const verify = d.crypto.verify.bind(d.crypto);
    d.crypto.verify = async (...args) => {
      await new Promise<void>((resolve) => time.after(12_000, resolve));
      return verify(...args);
    };
    const alice = memoryPatient(d, 'alice');
    await settle();
    await d.time.advance(12_000);
    await untilKeyed(d);
    expect(alice.state).toBe('admitted');
    // A peer that stops answering is still dropped when its own time runs out.
    const stalled = rawPeer(d);
    stalled.send({ op: 5, v: 2, patientId: 'slowpoke', p: FFDHE2048.p, g: FFDHE2048.g, y: d.crypto.engine.generateKeyPair(FFDHE2048).y });
    await settle();
    await d.time.advance(10_000);
    expect(stalled.received.map((m) => m.op)).toEqual([5, 60, 'closed']);
  });

  it('drops a stalled handshake at its deadline and never sends it a broadcast (attack 8)', async () => {
    d = memoryDoctor({ handshakeTimeoutMs: 10_000 });
    const stalled = rawPeer(d);
    stalled.send({ op: 5, v: 2, patientId: 'slowpoke', p: FFDHE2048.p, g: FFDHE2048.g, y: d.crypto.engine.generateKeyPair(FFDHE2048).y });
    await settle();
    expect(stalled.received.map((m) => m.op)).toEqual([5]);
    const alice = memoryPatient(d, 'alice');
    await untilKeyed(d);
    expect(alice.state).toBe('admitted');
    d.doctor.broadcast('only for admitted patients');
    await d.time.advance(9_999 - d.doctor.config.rekeyWindowMs);
    expect(stalled.received.map((m) => m.op)).toEqual([5]);
    await d.time.advance(1);
    expect(stalled.received.map((m) => m.op)).toEqual([5, 60, 'closed']);
    expect(stalled.received[1]).toMatchObject({ code: 'HANDSHAKE_TIMEOUT' });
    expect(d.doctor.patients().map((p) => p.id)).toEqual(['alice']);
    expect(alice.state).toBe('admitted');
    expect(alice.messages).toHaveLength(1);
  });

  it('lets a waiting patient lapse after the approval timeout under "ask", and its request with it', async () => {
    d = memoryDoctor({ policy: 'ask', approvalTimeoutMs: 300_000 });
    const bob = memoryPatient(d, 'bob');
    await settle();
    expect(bob.state).toBe('waiting');
    expect(d.doctor.pendingApprovals().map((p) => p.id)).toEqual(['bob']);
    await d.time.advance(299_999);
    expect(bob.state).toBe('waiting');
    await d.time.advance(1);
    expect(bob.state).toBe('disconnected');
    expect(bob.reason).toMatch(/did not approve the new key in time/);
    expect(d.doctor.pendingApprovals()).toEqual([]);
  });

  it('a key-change request for a pinned id lapses from the queue after its time; the pinned patient stays', async () => {
    d = memoryDoctor({ pendingTimeoutMs: 600_000 });
    const alice = memoryPatient(d, 'alice');
    await settle();
    const device = memoryPatient(d, 'alice', { ip: '127.0.0.7' });
    await settle();
    expect(device.state).toBe('disconnected');
    expect(d.doctor.pendingApprovals()).toMatchObject([{ id: 'alice', kind: 'key-change', address: expect.stringMatching(/^127\.0\.0\.7:/) }]);
    await d.time.advance(600_000);
    expect(d.doctor.pendingApprovals()).toEqual([]);
    expect(d.audit.some((e) => e.kind === 'request-expired')).toBe(true);
    expect(alice.state).toBe('admitted');
  });

  it('the patient gives up at its own handshake deadline when the doctor never answers', async () => {
    d = memoryDoctor();
    const [patientEnd] = createChannelPair(); // nobody serves the other end
    let ended: string | null = null;
    const session = new PatientSession(
      patientEnd,
      'alice',
      d.crypto.engine.generateKeyPair(FFDHE2048),
      d.crypto,
      d.time.now,
      {
        step: () => {},
        checkDoctorKey: () => 'ok',
        doctorProven: () => true,
        awaitingApproval: () => {},
        admitted: () => {},
        message: () => {},
        dropped: () => {},
        ended: (o) => void (ended = o.reason),
      },
      { maxClockSkewMs: 5_000, handshakeTimeoutMs: 15_000, timers: d.time },
    );
    session.start();
    await d.time.advance(14_999);
    expect(ended).toBeNull();
    await d.time.advance(1);
    expect(ended).toMatch(/did not finish in time/);
  });

  it('refuses a bad signature on opcode 10 with the parallel path: no opcode 20, no nonce recorded', async () => {
    d = memoryDoctor();
    const peer = rawPeer(d);
    const engine = d.crypto.engine;
    const mine = engine.generateKeyPair(FFDHE2048);
    peer.send({ op: 5, v: 2, patientId: 'mallory', p: FFDHE2048.p, g: FFDHE2048.g, y: mine.y });
    await settle();
    const hello = peer.received[0] as DoctorMessageOf<5>;
    expect(hello.op).toBe(5);
    const ctx = { patientId: 'mallory', doctorId: hello.doctorId, p: FFDHE2048.p, g: FFDHE2048.g, patientY: mine.y, doctorY: hello.y };
    const { c1, c2 } = engine.encrypt({ group: FFDHE2048, y: hello.y }, engine.randomSubgroupElement(FFDHE2048));
    const fresh = { ts: d.time.now(), rn: 'ab'.repeat(16) };
    const other = engine.generateKeyPair(FFDHE2048);
    const forged = engine.sign(other, keyExchangeTranscript(ctx, { ...fresh, c1, c2 }));
    peer.send({ op: 10, patientId: 'mallory', ...fresh, c1, c2, r: forged.r, s: forged.s });
    await settle();
    expect(peer.received.map((m) => m.op)).toEqual([5, 60, 'closed']);
    expect(peer.received[1]).toMatchObject({ code: 'BAD_SIGNATURE' });
    expect(d.doctor.replays.has('mallory', fresh.rn)).toBe(false);
  });
});

/**
 * The patient's state machine in memory and on fake time, against the real doctor: what it shows
 * and what it drops, leaving, and being blocked.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { randomBytes } from '../../../src/main/crypto/index.js';
import { encodeDoctorMessage } from '../../../src/main/protocol/index.js';
import { memoryDoctor, memoryPatient, settle, untilKeyed, type MemoryDoctor } from '../doctor/in-memory.js';

let d: MemoryDoctor | null = null;
afterEach(async () => {
  await d?.close();
  d = null;
});

describe('the patient session', () => {
  it('drops a broadcast for another epoch, a repeated sequence number and a forged box, and shows the real one', async () => {
    d = memoryDoctor();
    const alice = memoryPatient(d, 'alice');
    await settle();
    const first = d.doctor.broadcast('first');
    await settle();
    const epoch = d.doctor.conference.epoch;
    const forged = (e: number, seq: number): Uint8Array =>
      encodeDoctorMessage({ op: 40, epoch: e, seq, ts: d!.time.now(), box: randomBytes(64) });
    alice.doctorEnd.send(forged(epoch + 5, first.seq + 1));
    alice.doctorEnd.send(forged(epoch, first.seq));
    alice.doctorEnd.send(forged(epoch, first.seq + 1));
    await settle();
    expect(alice.messages.map((m) => m.text)).toEqual(['first']);
    expect(alice.dropped).toHaveLength(3);
    expect(alice.dropped[0]).toMatch(/for epoch \d+, current epoch/);
    expect(alice.dropped[1]).toMatch(/repeats or precedes/);
    expect(alice.dropped[2]).toMatch(/MAC|AUTH/i);
    expect(alice.state).toBe('admitted');
    d.doctor.broadcast('second');
    await settle();
    expect(alice.messages.map((m) => m.text)).toEqual(['first', 'second']);
  });

  it('leaves with an authenticated opcode 90: the doctor removes it and changes the group key', async () => {
    d = memoryDoctor();
    const alice = memoryPatient(d, 'alice');
    const bob = memoryPatient(d, 'bob');
    await untilKeyed(d);
    const before = d.doctor.conference.epoch;
    await alice.session.leave();
    await settle();
    expect(alice.state).toBe('disconnected');
    expect(alice.reason).toBe('You left the conference.');
    expect(d.audit.some((e) => e.kind === 'exit' && e.patientId === 'alice')).toBe(true);
    await untilKeyed(d);
    expect(d.doctor.conference.epoch).toBe(before + 1);
    expect(d.doctor.broadcast('after').recipients).toEqual(['bob']);
    expect(bob.state).toBe('admitted');
  });

  it('is told it is blocked, with the expiry, and the block lapses on the clock', async () => {
    d = memoryDoctor();
    const alice = memoryPatient(d, 'alice');
    await untilKeyed(d);
    d.doctor.block('alice', 2);
    await settle();
    expect(alice.state).toBe('blocked');
    expect(alice.blockedUntil).toBe(d.time.now() + 120_000);
    const refused = memoryPatient(d, 'alice', { keyPair: alice.keyPair });
    await settle();
    expect(refused.state).toBe('blocked');
    await d.time.advance(120_001);
    const back = memoryPatient(d, 'alice', { keyPair: alice.keyPair });
    await untilKeyed(d);
    expect(back.state).toBe('admitted');
  });

  it("keeps the doctor's block note on the doctor's side: in the block list and the audit log, never in what the patient is told", async () => {
    d = memoryDoctor();
    const alice = memoryPatient(d, 'alice');
    await untilKeyed(d);
    const note = 'rude to the nurse';
    expect(d.doctor.block('alice', 5, note)).toMatchObject({ reason: 'blocked by the doctor', note });
    await settle();
    expect(alice.state).toBe('blocked');
    expect(alice.reason).toMatch(/blocked you for 5 min/);
    const refused = memoryPatient(d, 'alice', { keyPair: alice.keyPair });
    await settle();
    expect(refused.state).toBe('blocked');
    expect(refused.reason).toMatch(/You are blocked \(blocked by the doctor\)/);
    for (const told of [alice.reason, refused.reason]) expect(told).not.toContain(note);
    expect(d.audit.find((e) => e.kind === 'blocked')?.detail).toContain(`(note: ${note})`);
  });
});

/**
 * Liveness (issue 10): over a link that silently stops carrying frames, both sides notice within
 * the bound, on fake time. The doctor marks the patient unreachable at half the bound, removes it
 * before the bound and rekeys; the patient ends its session as a dead link; a healthy idle
 * session stays up indefinitely; forged and replayed heartbeats prove nothing.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { DOCTOR_OP, PATIENT_OP, decodeFromDoctor, decodeFromPatient, encodeDoctorMessage, encodePatientMessage } from '../../../src/main/protocol/index.js';
import { memoryDoctor, memoryPatient, untilKeyed, type MemoryDoctor } from './in-memory.js';

let d: MemoryDoctor | null = null;
afterEach(async () => {
  await d?.close();
  d = null;
});

const BOUND = 30_000;
const TICK = BOUND / 6;

const row = (m: MemoryDoctor, id: string) => m.doctor.patients().find((p) => p.id === id);

describe('liveness over a dead link', () => {
  it('keeps an idle but healthy session for an hour: heartbeats every 10 s keep both sides sure', async () => {
    d = memoryDoctor();
    const alice = memoryPatient(d, 'alice');
    await untilKeyed(d);
    expect(alice.state).toBe('admitted');
    await d.time.advance(60 * 60_000);
    expect(alice.state).toBe('admitted');
    expect(row(d, 'alice')).toMatchObject({ stage: 'admitted', unreachable: false });
    expect(row(d, 'alice')!.lastHeardAt).toBeGreaterThan(d.time.now() - BOUND / 3 - TICK);
    expect(d.audit.filter((e) => e.kind === 'unreachable')).toEqual([]);
  });

  it('the doctor marks a silent patient unreachable at half the bound and removes it within the bound, then rekeys', async () => {
    d = memoryDoctor();
    const alice = memoryPatient(d, 'alice');
    const bob = memoryPatient(d, 'bob');
    await untilKeyed(d);
    const epoch = d.doctor.conference.epoch;
    const lastHeard = row(d, 'alice')!.lastHeardAt!;
    alice.link.up = false;
    // Half the bound and a tick later at most: marked, still listed.
    await d.time.advance(BOUND / 2 + TICK - (d.time.now() - lastHeard));
    expect(row(d, 'alice')).toMatchObject({ unreachable: true, stage: 'admitted' });
    expect(row(d, 'bob')).toMatchObject({ unreachable: false });
    const marked = d.audit.filter((e) => e.kind === 'unreachable');
    expect(marked).toHaveLength(1);
    expect(marked[0]!.detail).toMatch(/^nothing authenticated for 1\d\.\d s; removed at 30\.0 s unless it answers$/);
    // A broadcast meanwhile still counts it, and its receipt shows it did not acknowledge.
    const receipt = d.doctor.broadcast('while alice is unreachable');
    await d.time.advance(1);
    const seen = d.doctor.conference.recentReceipts().find((r) => r.seq === receipt.seq)!;
    expect(seen.recipients.sort()).toEqual(['alice', 'bob']);
    expect(seen.delivered).toEqual(['bob']);
    // Gone by the bound after its last sign of life, and the group key moved on without it.
    await d.time.advance(lastHeard + BOUND - d.time.now());
    expect(row(d, 'alice')).toBeUndefined();
    const removed = d.audit.filter((e) => e.kind === 'unreachable')[1]!;
    const silentS = Number(/for (\d+\.\d) s/.exec(removed.detail)![1]);
    expect(silentS).toBeGreaterThan((BOUND - TICK) / 1000);
    expect(silentS).toBeLessThanOrEqual(BOUND / 1000);
    expect(removed.detail).toMatch(/\(bound 30\.0 s\); removed$/);
    expect(d.doctor.conference.members.has('alice')).toBe(false);
    expect(d.doctor.conference.pending || d.doctor.conference.epoch > epoch).toBe(true);
    await d.time.advance(d.doctor.config.rekeyWindowMs);
    expect(d.doctor.conference.epoch).toBeGreaterThan(epoch);
    expect(bob.state).toBe('admitted');
    const after = d.doctor.broadcast('after');
    expect(after.recipients).toEqual(['bob']);
  });

  it('the patient ends its session as a dead link within its bound, with the time it waited', async () => {
    d = memoryDoctor();
    const alice = memoryPatient(d, 'alice');
    await untilKeyed(d);
    await d.time.advance(12_345); // a heartbeat or two went through
    alice.link.up = false;
    const cut = d.time.now();
    await d.time.advance(BOUND + TICK);
    expect(alice.state).toBe('disconnected');
    expect(alice.reason).toMatch(/^Nothing authenticated arrived from the doctor for \d+\.\d s \(bound 30 s\); the link is taken as dead\.$/);
    // The last heartbeat it heard came at most a third of the bound before the cut.
    expect(alice.endedAt! - cut).toBeLessThanOrEqual(BOUND);
    expect(alice.endedAt! - cut).toBeGreaterThan(BOUND - TICK - BOUND / 3);
  });

  it('a patient whose own bound is shorter than three of the doctor heartbeat intervals widens it instead of dropping a healthy link', async () => {
    d = memoryDoctor({ livenessTimeoutMs: 90_000 }); // heartbeats every 30 s
    const alice = memoryPatient(d, 'alice', { livenessTimeoutMs: 20_000 });
    await untilKeyed(d);
    await d.time.advance(10 * 60_000);
    expect(alice.state).toBe('admitted');
  });

  it('a replayed heartbeat answer proves nothing: a patient that stopped answering is removed all the same', async () => {
    d = memoryDoctor();
    const alice = memoryPatient(d, 'alice');
    await untilKeyed(d);
    // Alice's next answer goes through and is recorded; later ones are swallowed: she falls
    // mute while the path stays up.
    const send = alice.patientEnd.send.bind(alice.patientEnd);
    const answers: Uint8Array[] = [];
    alice.patientEnd.send = (body) => {
      if (decodeFromPatient(body).op !== PATIENT_OP.HEARTBEAT_REPLY) return send(body);
      answers.push(body);
      return answers.length === 1 ? send(body) : true;
    };
    while (answers.length === 0) await d.time.advance(1_000);
    const lastHeard = row(d, 'alice')!.lastHeardAt!;
    // An attacker on the path replays the first answer every second.
    for (let t = 0; t < BOUND; t += 1_000) {
      await d.time.advance(1_000);
      if (answers[0] && alice.state === 'admitted') send(answers[0]);
    }
    expect(answers.length).toBeGreaterThanOrEqual(3);
    expect(row(d, 'alice')).toBeUndefined();
    expect(d.audit.filter((e) => e.kind === 'unreachable').map((e) => e.detail)).toHaveLength(2);
    const removedAt = d.audit.filter((e) => e.kind === 'unreachable')[1]!.at;
    expect(removedAt - lastHeard).toBeLessThanOrEqual(BOUND);
    expect(alice.state).toBe('disconnected');
    expect(alice.reason).toMatch(/within the liveness bound/);
  });

  it('an answer to a heartbeat never sent, or with a wrong tag, ends the session as a protocol error', async () => {
    d = memoryDoctor();
    const alice = memoryPatient(d, 'alice');
    const bob = memoryPatient(d, 'bob');
    await untilKeyed(d);
    alice.patientEnd.send(encodePatientMessage({ op: PATIENT_OP.HEARTBEAT_REPLY, n: 999, tag: 'ab'.repeat(32) }));
    bob.patientEnd.send(encodePatientMessage({ op: PATIENT_OP.HEARTBEAT_REPLY, n: 1, tag: 'ab'.repeat(32) }));
    await d.time.advance(1);
    expect(d.doctor.patients()).toEqual([]);
    const errors = d.audit.filter((e) => e.kind === 'protocol-error').map((e) => `${e.patientId} ${e.detail}`);
    expect(errors.sort()).toEqual(['alice BAD_HEARTBEAT: reply to heartbeat 999, never sent', 'bob BAD_HEARTBEAT']);
  });

  it('a forged or replayed heartbeat from the doctor side is not believed by the patient', async () => {
    d = memoryDoctor();
    const alice = memoryPatient(d, 'alice');
    await untilKeyed(d);
    alice.doctorEnd.send(encodeDoctorMessage({ op: DOCTOR_OP.HEARTBEAT, n: 1, every: 10_000, tag: 'cd'.repeat(32) }));
    await d.time.advance(1);
    expect(alice.state).toBe('disconnected');
    expect(alice.reason).toMatch(/heartbeat did not authenticate/);
  });

  it('a replayed heartbeat from the doctor is dropped unanswered and does not keep the patient waiting', async () => {
    d = memoryDoctor();
    const alice = memoryPatient(d, 'alice');
    // Record what the doctor sends alice, to replay its first heartbeat later.
    const frames: Uint8Array[] = [];
    const deliver = alice.doctorEnd.send.bind(alice.doctorEnd);
    alice.doctorEnd.send = (body) => {
      frames.push(body);
      return deliver(body);
    };
    await untilKeyed(d);
    const first = frames.find((b) => decodeFromDoctor(b).op === DOCTOR_OP.HEARTBEAT)!;
    expect(first).toBeDefined();
    // The doctor falls silent (its frames to alice vanish); a relay replays heartbeat 1 every 2 s.
    alice.doctorEnd.send = () => true;
    const silentFrom = d.time.now();
    while (alice.state === 'admitted' && d.time.now() - silentFrom < 2 * BOUND) {
      deliver(first);
      await d.time.advance(2_000);
    }
    expect(alice.state).toBe('disconnected');
    expect(alice.dropped.filter((w) => /^heartbeat 1 repeats or precedes/.test(w)).length).toBeGreaterThan(5);
    expect(alice.endedAt! - silentFrom).toBeLessThanOrEqual(BOUND);
  });
});

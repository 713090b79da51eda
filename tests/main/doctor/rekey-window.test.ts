/**
 * Coalesced rekeys (docs/protocol.md, "Group key and broadcasts"): joins and departures inside
 * the window share one new group key, and the guarantees hold across a storm with departures
 * and blocks mixed in: no broadcast goes out under a key a departed patient held, and none
 * reaches a patient who joined after it was sent.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { memoryDoctor, memoryPatient, settle, untilKeyed, type MemoryDoctor, type MemoryPatient } from './in-memory.js';

let d: MemoryDoctor | null = null;
afterEach(async () => {
  await d?.close();
  d = null;
});

/** A small seeded generator (mulberry32), so a failing storm can be replayed. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const rekeys = (m: MemoryDoctor): number => m.audit.filter((e) => e.kind === 'rekey').length;

describe('coalesced rekeys', () => {
  it('gives joins inside one window one new group key, and a newcomer no key before the window closes', async () => {
    d = memoryDoctor({ rekeyWindowMs: 50 });
    const patients = ['alice', 'bob', 'carol', 'dave'].map((id) => memoryPatient(d!, id));
    await settle();
    expect(d.doctor.conference.joining.size).toBe(4);
    expect(patients.every((p) => p.state === 'handshake')).toBe(true);
    await d.time.advance(49);
    expect(rekeys(d)).toBe(0);
    await d.time.advance(1);
    expect(rekeys(d)).toBe(1);
    expect(patients.every((p) => p.state === 'admitted')).toBe(true);
    expect(d.audit.find((e) => e.kind === 'rekey')?.detail).toMatch(/^epoch 1 \(4 joins: alice, bob, carol, dave\); 4 patient\(s\)$/);
  });

  it('hands an unused key to newcomers as it is, and rekeys for a newcomer once a broadcast used it', async () => {
    d = memoryDoctor({ rekeyWindowMs: 50, rekeyBeforeBroadcast: false });
    memoryPatient(d, 'alice');
    await untilKeyed(d);
    expect(rekeys(d)).toBe(1);
    const storm = ['bob', 'carol', 'dave', 'erin', 'frank'].map((id) => memoryPatient(d!, id));
    await settle();
    // No broadcast has used epoch 1: each newcomer gets it at once, nobody waits, no rekey.
    expect(storm.map((p) => [p.state, p.firstEpoch])).toEqual(storm.map(() => ['admitted', 1]));
    expect(d.doctor.conference.joining.size).toBe(0);
    expect(rekeys(d)).toBe(1);
    const first = d.doctor.broadcast('to six');
    expect(first.epoch).toBe(1);
    expect(first.recipients).toHaveLength(6);
    // Epoch 1 is used now: a newcomer waits for a fresh key and must not be sent epoch 1.
    const late = memoryPatient(d, 'grace');
    await settle();
    expect(late.state).toBe('handshake');
    expect(d.doctor.conference.joining.size).toBe(1);
    await d.time.advance(50);
    expect(late.state).toBe('admitted');
    expect(late.firstEpoch).toBe(2);
    expect(rekeys(d)).toBe(2);
    await settle();
    expect(late.messages).toEqual([]);
  });

  it('seals every box of a rekey under its own IV', async () => {
    d = memoryDoctor({ rekeyWindowMs: 50, rekeyBeforeBroadcast: true });
    for (const id of ['alice', 'bob', 'carol', 'dave', 'erin']) memoryPatient(d, id);
    await untilKeyed(d);
    const engine = d.crypto.engine;
    const ivs: string[] = [];
    const original = engine.sealWithIv.bind(engine);
    engine.sealWithIv = (keys, iv, plaintext, aad) => {
      ivs.push(Buffer.from(iv).toString('hex'));
      return original(keys, iv, plaintext, aad);
    };
    d.doctor.broadcast('rekeyed first');
    d.doctor.broadcast('and again');
    expect(ivs).toHaveLength(10);
    expect(new Set(ivs).size).toBe(10);
  });

  it('never waits with a broadcast: pending joins and departures are keyed before it goes out', async () => {
    d = memoryDoctor({ rekeyWindowMs: 10_000, rekeyBeforeBroadcast: false });
    const alice = memoryPatient(d, 'alice');
    const bob = memoryPatient(d, 'bob');
    await untilKeyed(d);
    const keyed = d.doctor.conference.epoch;
    await bob.session.leave();
    await settle();
    expect(d.doctor.conference.epoch).toBe(keyed); // the window is still open
    const carol = memoryPatient(d, 'carol');
    await settle();
    const receipt = d.doctor.broadcast('for alice and carol');
    expect(receipt.epoch).toBe(keyed + 1);
    expect([...receipt.recipients].sort()).toEqual(['alice', 'carol']);
    await settle();
    expect(alice.messages.map((m) => m.text)).toEqual(['for alice and carol']);
    expect(carol.messages.map((m) => m.text)).toEqual(['for alice and carol']);
    expect(bob.messages).toEqual([]);
    // With no change pending and rekeying before broadcasts off, the next one reuses the key.
    expect(d.doctor.broadcast('again').epoch).toBe(keyed + 1);
    // A departure alone, inside the window, still makes the next broadcast rekey first.
    await carol.session.leave();
    await settle();
    const afterExit = d.doctor.broadcast('for alice alone');
    expect(afterExit.epoch).toBe(keyed + 2);
    expect(afterExit.recipients).toEqual(['alice']);
  });

  it('keeps both guarantees across a storm of joins, exits and blocks with broadcasts in between', async () => {
    const seed = 20261202;
    const rand = random(seed);
    d = memoryDoctor({ rekeyWindowMs: 50, rekeyBeforeBroadcast: false, handshakesPerMinute: 10_000 });
    const doctor = d.doctor;
    interface Tracked {
      patient: MemoryPatient;
      /** Broadcasts sent before this patient connected: it must receive none of them. */
      sentBefore: number;
      /** The epoch current when it left: every later broadcast must use a newer key. */
      leftAtEpoch: number | null;
      /** Broadcasts sent before it left. */
      sentBeforeLeaving: number;
    }
    const tracked: Tracked[] = [];
    const sent: { seq: number; epoch: number; recipients: string[] }[] = [];
    let next = 0;
    for (let step = 0; step < 60; step++) {
      const roll = rand();
      const present = tracked.filter((t) => t.leftAtEpoch === null && t.patient.state === 'admitted');
      if (roll < 0.5) {
        tracked.push({ patient: memoryPatient(d, `p${String.fromCharCode(97 + (next % 26))}${Math.floor(next / 26)}`), sentBefore: sent.length, leftAtEpoch: null, sentBeforeLeaving: 0 });
        next++;
      } else if (roll < 0.65 && present.length > 0) {
        const t = present[Math.floor(rand() * present.length)]!;
        t.leftAtEpoch = doctor.conference.epoch;
        t.sentBeforeLeaving = sent.length;
        await t.patient.session.leave();
      } else if (roll < 0.75 && present.length > 0) {
        const t = present[Math.floor(rand() * present.length)]!;
        t.leftAtEpoch = doctor.conference.epoch;
        t.sentBeforeLeaving = sent.length;
        doctor.block(t.patient.id, 5);
      } else if (doctor.conference.size > 0) {
        const receipt = doctor.broadcast(`message ${sent.length + 1}`);
        sent.push({ seq: receipt.seq, epoch: receipt.epoch, recipients: receipt.recipients });
      }
      await settle();
      await d.time.advance(Math.floor(rand() * 40));
    }
    await untilKeyed(d);
    expect(sent.length, `seed ${seed}`).toBeGreaterThan(5);
    const joins = tracked.length;
    // Coalescing: fewer rekeys than membership changes.
    expect(rekeys(d), `seed ${seed}`).toBeLessThan(joins);
    for (const t of tracked) {
      const seqs = t.patient.messages.map((m) => m.seq);
      // None of the broadcasts sent before it connected reached it, and no key it ever held
      // could read one: its first key is newer than every one of them used.
      for (const before of sent.slice(0, t.sentBefore)) {
        expect(seqs, `seed ${seed}: ${t.patient.id} got ${before.seq}`).not.toContain(before.seq);
        expect(before.recipients, `seed ${seed}`).not.toContain(t.patient.id);
        if (t.patient.firstEpoch !== null) expect(t.patient.firstEpoch, `seed ${seed}: ${t.patient.id}`).toBeGreaterThan(before.epoch);
      }
      if (t.leftAtEpoch === null) continue;
      // Everything sent after it left used a key it never held.
      for (const later of sent.slice(t.sentBeforeLeaving)) {
        expect(later.epoch, `seed ${seed}`).toBeGreaterThan(t.leftAtEpoch);
        expect(later.recipients, `seed ${seed}`).not.toContain(t.patient.id);
      }
    }
  });
});

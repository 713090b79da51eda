/**
 * One test per attack that a public implementation of the seed fell to
 * (../shared/docs/protocol-requirements.md, "Attacks a reference implementation of the seed fell
 * to"), each showing the attack no longer works. The doctor is the real service on real sockets;
 * the attacker is a raw client speaking the wire format.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FFDHE2048, makeGroup } from '../../src/main/crypto/index.js';
import { encodeFrame } from '../../src/main/protocol/index.js';
import { RawClient, engine, exit, handshake, newKeyPair, openBroadcast } from './support/raw-patient.js';
import { join as joinConference } from './support/join.js';
import { eventually, removeDir, startDoctor, type TestDoctor } from './support/doctor.js';
import type { BroadcastReceipt } from '../../src/shared/contract.js';
import { FRESH_P_3_MOD_8, FRESH_P_7_MOD_8 } from '../fixtures/safe-primes.js';

const utf8 = new TextEncoder();
let doctor: TestDoctor | null = null;
afterEach(async () => {
  if (doctor) {
    await doctor.service.close();
    removeDir(doctor.dataDir);
    doctor = null;
  }
});

async function broadcastAndCheck(d: TestDoctor, text: string, members: Awaited<ReturnType<typeof joinConference>>[]): Promise<void> {
  const receipt = await d.service.broadcast(text);
  for (const m of members) {
    const b = await m.client.waitFor((x) => x.op === 40 && x.seq === receipt.seq);
    m.sync();
    if (b.op !== 40) throw new Error('unreachable');
    expect(openBroadcast(m.keysByEpoch.get(b.epoch)!, b)).toBe(text);
  }
}

describe('attack 1: code execution before login by deserializing untrusted bytes', () => {
  it('answers a pickle payload and a prototype-pollution object with opcode 60, executing nothing', async () => {
    doctor = await startDoctor();
    // A Python pickle that would run os.system on unpickling: bytes, not JSON.
    const pickle = Buffer.from("cos\nsystem\n(S'touch /tmp/medchat-pwned'\ntR.", 'latin1');
    const a = await RawClient.open(doctor.port);
    a.sendRaw(encodeFrame(pickle));
    await a.waitClosed();
    expect(a.received[0]).toMatchObject({ op: 60, code: 'MALFORMED_FRAME' });

    const b = await RawClient.open(doctor.port);
    b.sendRaw(encodeFrame(utf8.encode('{"op":5,"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}')));
    await b.waitClosed();
    expect(b.received[0]).toMatchObject({ op: 60, code: 'BAD_MESSAGE' });
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(doctor.audit.some((e) => e.kind === 'protocol-error')).toBe(true);
  });
});

describe('attack 2: tiny primes chosen by the patient', () => {
  it('refuses an 11-bit group, a 1024-bit group and a 2048-bit composite with the reason', async () => {
    doctor = await startDoctor();
    const cases: [bigint, bigint, RegExp][] = [
      [2039n, 4n, /fewer than 2048 bits/],
      [FFDHE2048.p >> 1024n, 2n, /fewer than 2048 bits/],
      [FFDHE2048.p + 2n, 4n, /not prime|does not generate|safe prime/],
    ];
    for (const [p, g, reason] of cases) {
      const c = await RawClient.open(doctor.port);
      c.send({ op: 5, v: 2, patientId: 'mallory', p, g, y: 4n });
      await c.waitClosed();
      const reply = c.received[0];
      expect(reply).toMatchObject({ op: 60, code: 'BAD_GROUP' });
      expect(reply && reply.op === 60 ? reply.reason : '').toMatch(reason);
    }
    // A real 2048-bit group still works afterwards.
    const ok = await joinConference(doctor.port, { patientId: 'alice' });
    expect(ok.keysByEpoch.size).toBe(1);
  });
});

describe('attack 3: an outsider blocks or drops a connected patient with a join under its id', () => {
  it('garbage signatures, stale timestamps and replays under a pinned id block nobody', async () => {
    doctor = await startDoctor();
    const alice = await joinConference(doctor.port, { patientId: 'alice' });
    const stolenKey = { group: FFDHE2048, y: alice.keyPair.y, x: 12345n }; // the public key, a wrong private part
    const outsider = { patientId: 'alice', keyPair: stolenKey, localAddress: '127.0.0.2' };
    // Garbage signature with alice's public key.
    await expect(handshake(doctor.port, outsider)).rejects.toMatchObject({ reply: { op: 60, code: 'BAD_SIGNATURE' } });
    // Alice's own old opcode 10, replayed (inside the window, then stale).
    await expect(handshake(doctor.port, { ...outsider, replay10: alice.op10 })).rejects.toMatchObject({ reply: { op: 60, code: 'REPLAY' } });
    doctor.clock.advance(60_000);
    // The third failure of that key from the outsider's address: the key is refused from there (80), not the id.
    await expect(handshake(doctor.port, { ...outsider, replay10: alice.op10 })).rejects.toMatchObject({ reply: { op: 80 } });
    expect(doctor.audit.some((e) => e.kind === 'refused' && /STALE_TIMESTAMP .*key refused from this address until/.test(e.detail))).toBe(true);
    doctor.clock.advance(-60_000);
    expect(doctor.service.snapshot().blocks).toEqual([]);
    expect(doctor.service.snapshot().patients.find((p) => p.id === 'alice')?.stage).toBe('admitted');
    await broadcastAndCheck(doctor, 'still here', [alice]);
  });

  it('a wrong session-key verifier is refused and never blocks a pinned id', async () => {
    doctor = await startDoctor();
    const alice = await joinConference(doctor.port, { patientId: 'alice' });
    // Alice's own key (a cloned device with a broken session) still cannot get alice blocked.
    const attempt = await handshake(doctor.port, { patientId: 'alice', keyPair: alice.keyPair, badVerifier: true });
    await attempt.client.waitClosed();
    expect(attempt.client.received.find((m) => m.op === 60)).toMatchObject({ code: 'BAD_VERIFIER' });
    expect(doctor.service.snapshot().blocks).toEqual([]);
    expect(alice.client.closed).toBe(false);
    // Nor an id nobody has pinned: a relay replaying a patient's opcode 10 fails here too.
    const stranger = await handshake(doctor.port, { patientId: 'newbie', badVerifier: true });
    await stranger.client.waitClosed();
    expect(stranger.client.received.find((m) => m.op === 60)).toMatchObject({ code: 'BAD_VERIFIER' });
    expect(doctor.service.snapshot().blocks).toEqual([]);
  });

  it("the seed's block on failure applies to the key that failed, from that address, never to the id", async () => {
    doctor = await startDoctor();
    const failing = newKeyPair();
    const stale = (m: Parameters<NonNullable<Parameters<typeof handshake>[1]['tamper10']>>[0]) => ({ ...m, ts: m.ts - 60_000 });
    for (let i = 0; i < 2; i++) {
      await expect(handshake(doctor.port, { patientId: 'newcomer', keyPair: failing, tamper10: stale })).rejects.toMatchObject({
        reply: { op: 60, code: 'STALE_TIMESTAMP' },
      });
    }
    // The third failure of that key from this address: the key is refused from here for a while.
    await expect(handshake(doctor.port, { patientId: 'newcomer', keyPair: failing, tamper10: stale })).rejects.toMatchObject({ reply: { op: 80 } });
    await expect(handshake(doctor.port, { patientId: 'newcomer', keyPair: failing })).rejects.toMatchObject({ reply: { op: 80 } });
    expect(doctor.service.snapshot().blocks).toEqual([]);
    expect(doctor.audit.filter((e) => e.kind === 'blocked')).toEqual([]);
    // The id itself is free: its real owner, with its own key, from another address, is admitted.
    const owner = await joinConference(doctor.port, { patientId: 'newcomer', localAddress: '127.0.0.9' });
    expect(owner.keysByEpoch.size).toBe(1);
  });
});

describe('attack 4: a stranger under an active id evicts the real patient', () => {
  it('a different key for a pinned id is refused as an impostor; the patient stays', async () => {
    doctor = await startDoctor();
    const alice = await joinConference(doctor.port, { patientId: 'alice' });
    // A hello alone with another key gets no answer but the doctor's key: nothing is queued.
    const hello = await RawClient.open(doctor.port, '127.0.0.1', '127.0.0.2');
    hello.send({ op: 5, v: 2, patientId: 'alice', p: FFDHE2048.p, g: FFDHE2048.g, y: newKeyPair().y });
    await hello.waitOp(5);
    hello.close();
    expect(doctor.service.snapshot().pending).toEqual([]);
    // A stranger who proves another key is refused, and its key queued as a key change for the doctor.
    const stranger = await handshake(doctor.port, { patientId: 'alice', localAddress: '127.0.0.2' });
    await stranger.client.waitClosed();
    expect(stranger.client.received.find((m) => m.op === 60)).toMatchObject({ code: 'PENDING_KEY_CHANGE' });
    expect(stranger.client.received.some((m) => m.op === 30)).toBe(false);
    const impostor = doctor.audit.find((e) => e.kind === 'impostor');
    expect(impostor?.address).toMatch(/^127\.0\.0\.2:/);
    expect(doctor.service.snapshot().pending).toMatchObject([{ id: 'alice', kind: 'key-change', pinnedFingerprint: expect.stringMatching(/^\d{5}/) }]);
    expect(alice.client.closed).toBe(false);
    await broadcastAndCheck(doctor, 'you were not evicted', [alice]);
  });
});

describe('attack 5: two messages in one TCP read, and messages over 4 KB', () => {
  it('handles hello and key exchange coalesced into one write, and a 30 KB broadcast', async () => {
    doctor = await startDoctor();
    const bob = await joinConference(doctor.port, { patientId: 'bob' });
    // Two protocol errors glued together: the first is answered; nothing crashes.
    const c = await RawClient.open(doctor.port);
    const kp = newKeyPair();
    const hello = encodeFrame(utf8.encode(JSON.stringify({ op: 5, v: 2, patientId: 'carol', p: FFDHE2048.p.toString(16), g: '2', y: kp.y.toString(16) })));
    const early10 = encodeFrame(utf8.encode(JSON.stringify({ op: 90, patientId: 'carol', ts: Date.now(), tag: '0'.repeat(64) })));
    c.sendRaw(Buffer.concat([hello, early10]));
    await c.waitClosed();
    expect(c.received.map((m) => m.op)).toEqual([5, 60, 'closed']);
    expect(c.received[1]).toMatchObject({ code: 'OUT_OF_ORDER' });
    const long = 'x'.repeat(30_000);
    await broadcastAndCheck(doctor, long, [bob]);
  });
});

describe('attack 6: back-to-back broadcasts silently lost', () => {
  it('delivers 40 back-to-back broadcasts to every patient, in order, each acknowledged', async () => {
    doctor = await startDoctor();
    const members = [await joinConference(doctor.port, { patientId: 'p1' }), await joinConference(doctor.port, { patientId: 'p2' })];
    for (const m of members) m.sync();
    const receipts: BroadcastReceipt[] = [];
    for (let i = 0; i < 40; i++) receipts.push(await doctor.service.broadcast(`message ${i}`));
    for (const m of members) {
      await m.client.waitFor((x) => x.op === 40 && x.seq === receipts.at(-1)!.seq);
      m.sync();
      const texts = m.broadcasts().map((b) => openBroadcast(m.keysByEpoch.get(b.epoch)!, b));
      expect(texts).toEqual(receipts.map((_, i) => `message ${i}`));
      for (const b of m.broadcasts()) {
        const { ack } = await import('./support/raw-patient.js');
        ack(m, m.patientId, b.epoch, b.seq);
      }
    }
    await eventually(() => doctor!.service.snapshot().broadcasts.every((r) => r.delivered.length === 2), 10_000, 'all delivered');
    expect(doctor.service.snapshot().broadcasts.slice(-40).every((r) => r.recipients.length === 2)).toBe(true);
  });
});

describe('attack 7: session and group keys printed on consoles', () => {
  it('keeps session keys, group keys and private keys out of the audit log and events', async () => {
    doctor = await startDoctor();
    const events: string[] = [];
    doctor.service.subscribe((e) => events.push(JSON.stringify(e.payload)));
    const alice = await joinConference(doctor.port, { patientId: 'alice' });
    await broadcastAndCheck(doctor, 'secret-free logs', [alice]);
    const keyFile = readFileSync(join(doctor.dataDir, 'keys.json'), 'utf8');
    const privateHex = Object.values(JSON.parse(keyFile).keys as Record<string, string>);
    const secrets = [Buffer.from(alice.sessionKey).toString('hex'), ...privateHex, alice.keyPair.x.toString(16)];
    const records = JSON.stringify(doctor.service.audit({ limit: 10000 })) + doctor.service.auditCsv({});
    const everything = records + events.join('\n');
    for (const secret of secrets) expect(everything).not.toContain(secret.slice(0, 32));
    // The audit log keeps broadcast metadata, not the text (the doctor's own UI may show it).
    expect(records).toContain('broadcast');
    expect(records).not.toContain('secret-free logs');
  });
});

describe('attack 8: half-open connections kept forever and sent broadcasts', () => {
  it('drops a stalled handshake after the timeout and never sends it a broadcast', async () => {
    // The deadline runs on the test's clock, so the honest join below has all the time it needs.
    // Rekeys at once (no window): the test's fake clock moves only for the deadline below.
    doctor = await startDoctor({ config: { handshakeTimeoutMs: 10_000, rekeyWindowMs: 0 }, fakeTimers: true });
    const alice = await joinConference(doctor.port, { patientId: 'alice' });
    const stall = await RawClient.open(doctor.port);
    stall.send({ op: 5, v: 2, patientId: 'slowpoke', p: FFDHE2048.p, g: FFDHE2048.g, y: newKeyPair().y });
    await stall.waitOp(5);
    await doctor.service.broadcast('only for admitted patients');
    doctor.clock.advance(9_999);
    await new Promise((r) => setTimeout(r, 100));
    expect(stall.closed).toBe(false);
    doctor.clock.advance(1);
    await stall.waitClosed(5_000);
    expect(stall.received.map((m) => m.op)).toEqual([5, 60, 'closed']);
    expect(stall.received[1]).toMatchObject({ code: 'HANDSHAKE_TIMEOUT' });
    expect(doctor.service.snapshot().patients.map((p) => p.id)).toEqual(['alice']);
    expect(alice.client.closed).toBe(false);
  });
});

describe('attack 9: shutdown hangs, patients are not told, restart fails', () => {
  it('tells every patient (opcode 60) and can listen on the same port at once', async () => {
    doctor = await startDoctor();
    const alice = await joinConference(doctor.port, { patientId: 'alice' });
    const port = doctor.port;
    const started = Date.now();
    await doctor.service.stop();
    expect(Date.now() - started).toBeLessThan(3_000);
    await alice.client.waitClosed(3_000);
    expect(alice.client.received.find((m) => m.op === 60)).toMatchObject({ code: 'SHUTDOWN' });
    const again = await doctor.service.listen('127.0.0.1', port);
    expect(again.port).toBe(port);
    const back = await joinConference(port, { patientId: 'alice', keyPair: alice.keyPair });
    expect(back.keysByEpoch.size).toBe(1);
  });
});

describe("attack 10: the doctor's key overwritten by unauthenticated joins", () => {
  it('keeps its key through joins with other keys and other groups', async () => {
    doctor = await startDoctor();
    const first = await joinConference(doctor.port, { patientId: 'alice' });
    const before = doctor.service.snapshot().status.fingerprints;
    for (let i = 0; i < 5; i++) {
      const c = await RawClient.open(doctor.port);
      c.send({ op: 5, v: 2, patientId: `noise${i}`, p: FFDHE2048.p, g: FFDHE2048.g, y: newKeyPair().y });
      await c.waitOp(5);
      expect((c.received[0] as { y: bigint }).y).toBe(first.doctorY);
      c.close();
    }
    const odd = await RawClient.open(doctor.port);
    odd.send({ op: 5, v: 2, patientId: 'odd', p: makeGroup(FFDHE2048.p, 4n).p, g: 4n, y: newKeyPair().y });
    await odd.waitFor((m) => m.op === 5 || m.op === 60);
    odd.close();
    expect(doctor.service.snapshot().status.fingerprints.find((f) => f.group === 'ffdhe2048')).toEqual(before[0]);
    const again = await joinConference(doctor.port, { patientId: 'bob' });
    expect(again.doctorY).toBe(first.doctorY);
  });
});

describe('departed patients', () => {
  it('cannot read what is broadcast after they leave (opcode 90 then rekey)', async () => {
    doctor = await startDoctor();
    const alice = await joinConference(doctor.port, { patientId: 'alice' });
    const bob = await joinConference(doctor.port, { patientId: 'bob' });
    await broadcastAndCheck(doctor, 'before', [alice, bob]);
    alice.sync();
    exit(alice, 'alice');
    await eventually(() => doctor!.audit.some((e) => e.kind === 'exit'), 5_000, 'exit audited');
    const receipt = await doctor.service.broadcast('after');
    const b = await bob.client.waitFor((x) => x.op === 40 && x.seq === receipt.seq);
    bob.sync();
    if (b.op !== 40) throw new Error('unreachable');
    expect(openBroadcast(bob.keysByEpoch.get(b.epoch)!, b)).toBe('after');
    expect(receipt.recipients).toEqual(['bob']);
    // Every group key alice ever held fails on the new broadcast.
    for (const keys of alice.keysByEpoch.values()) expect(() => openBroadcast(keys, b)).toThrow(/MAC|authentication/);
    expect(alice.keysByEpoch.has(b.epoch)).toBe(false);
    void engine;
  });
});

describe('bounded unauthenticated work (made-up groups, floods)', () => {
  it('stores a custom-group key only after a handshake succeeds, and evicts the least recently used', async () => {
    doctor = await startDoctor({ config: { maxCustomGroups: 1 } });
    const first = makeGroup(FRESH_P_7_MOD_8, 2n);
    const second = makeGroup(FRESH_P_3_MOD_8, 4n);
    // A hello alone (no proof) costs the doctor no stored key.
    const probe = await RawClient.open(doctor.port);
    probe.send({ op: 5, v: 2, patientId: 'probe', p: second.p, g: second.g, y: newKeyPair(second).y });
    await probe.waitOp(5);
    probe.close();
    const groups = () => doctor!.service.snapshot().status.fingerprints.map((f) => f.group).sort();
    // (The standard groups' keys are made at start, apart from any patient.)
    const custom = () => groups().filter((g) => g === 'custom');
    expect(custom()).toEqual([]);
    const ok = await joinConference(doctor.port, { patientId: 'gen1', keyPair: newKeyPair(first) });
    expect(ok.keysByEpoch.size).toBe(1);
    expect(custom()).toEqual(['custom']);
    // A second custom group is served too: the first group's key gives way, no slot is lost for good.
    const next = await joinConference(doctor.port, { patientId: 'gen2', keyPair: newKeyPair(second) });
    expect(next.keysByEpoch.size).toBe(1);
    expect(doctor.audit.filter((e) => e.kind === 'identity-evicted')).toHaveLength(1);
    const std = await joinConference(doctor.port, { patientId: 'std' });
    expect(std.keysByEpoch.size).toBe(1);
    await expect.poll(groups).toEqual(['custom', 'ffdhe2048', 'ffdhe3072', 'ffdhe4096']);
  });

  it('accepts each group only in its canonical form', async () => {
    doctor = await startDoctor();
    const k = 12345n;
    const cases: [bigint, bigint, RegExp][] = [
      [FFDHE2048.p, (k * k) % FFDHE2048.p, /standard prime ffdhe2048 is accepted only with its generator g = 2/],
      [FRESH_P_3_MOD_8, 9n, /must use the generator g = 4/],
      [FRESH_P_7_MOD_8, 4n, /must use the generator g = 2/],
    ];
    for (const [p, g, reason] of cases) {
      const c = await RawClient.open(doctor.port);
      c.send({ op: 5, v: 2, patientId: 'shape', p, g, y: 4n });
      await c.waitClosed();
      expect(c.received[0]).toMatchObject({ op: 60, code: 'BAD_GROUP' });
      expect((c.received[0] as { reason: string }).reason).toMatch(reason);
    }
  });

  it('limits the handshakes an address may start per minute', async () => {
    doctor = await startDoctor({ config: { handshakesPerMinute: 3 } });
    const codes: (number | string)[] = [];
    for (let i = 0; i < 5; i++) {
      const c = await RawClient.open(doctor.port);
      c.send({ op: 5, v: 2, patientId: `flood${i}`, p: FFDHE2048.p, g: FFDHE2048.g, y: newKeyPair().y });
      const reply = await c.waitFor((m) => m.op === 5 || m.op === 60);
      codes.push(reply.op === 60 ? (reply as { code: string }).code : reply.op);
      c.close();
    }
    expect(codes).toEqual([5, 5, 5, 'RATE_LIMITED', 'RATE_LIMITED']);
    expect(doctor.audit.filter((e) => e.kind === 'refused' && /rate limited/.test(e.detail))).toHaveLength(2);
  });
});

/**
 * Whole conferences in one process: the real doctor and patient services over loopback TCP,
 * with a shared movable clock where time matters (block expiry). Cross-process runs of the same
 * flows are in processes.test.ts.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createServer, connect, type Socket } from 'node:net';
import { cpSync } from 'node:fs';
import { encodeFrame } from '../../src/main/protocol/index.js';
import { FrameDecoder, decodeFromDoctor, encodeDoctorMessage } from '../../src/main/protocol/index.js';
import { RawClient } from './support/raw-patient.js';
import { join as joinConference } from './support/join.js';
import { eventually, removeDir, startDoctor, TestClock, tempDir, type TestDoctor } from './support/doctor.js';
import { startPatient, type TestPatient } from './support/patients.js';
import { createDoctorService } from '../../src/main/doctor/service.js';
import { openStore } from '../../src/main/store/index.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function doctorFor(options: Parameters<typeof startDoctor>[0] = {}): Promise<TestDoctor> {
  const d = await startDoctor(options);
  cleanups.push(async () => {
    await d.service.close();
    if (!options.dataDir) removeDir(d.dataDir);
  });
  return d;
}

async function patient(id: string, options: Parameters<typeof startPatient>[1] = {}): Promise<TestPatient> {
  const p = await startPatient(id, options);
  cleanups.push(() => p.close());
  return p;
}

describe('conference', () => {
  it('three patients join and all receive a broadcast, with receipts at the doctor', async () => {
    const d = await doctorFor();
    const ps = await Promise.all(['alice', 'bob', 'carol'].map((id) => patient(id)));
    const statuses = await Promise.all(ps.map((p) => p.connect(d.port)));
    expect(statuses.map((s) => s.state)).toEqual(['admitted', 'admitted', 'admitted']);
    expect(statuses[0]!.steps.map((s) => s.step)).toEqual(['connect', 'hello', 'key-exchange', 'session-token', 'verifier', 'admitted']);
    expect(statuses[0]!.pinState).toBe('new');
    expect(statuses[0]!.doctorFingerprint).toBe(d.service.snapshot().status.fingerprints[0]!.fingerprint);
    const receipt = await d.service.broadcast('Clinic opens at 9.');
    expect(receipt.recipients.sort()).toEqual(['alice', 'bob', 'carol']);
    await eventually(() => ps.every((p) => p.messages.length === 1), 5000, 'all received');
    expect(ps.map((p) => p.messages[0]!.text)).toEqual(['Clinic opens at 9.', 'Clinic opens at 9.', 'Clinic opens at 9.']);
    await eventually(() => d.service.snapshot().broadcasts[0]!.delivered.length === 3, 5000, 'all acknowledged');
    const rows = d.service.snapshot().patients;
    expect(rows.every((r) => r.stage === 'admitted' && r.lastDeliveredSeq === receipt.seq)).toBe(true);
    // Both sides measured every primitive of the handshake, and the doctor's table is cumulative.
    const doctorPerf = new Map(d.service.perf().map((r) => [r.primitive, r.calls]));
    expect(doctorPerf.get('Signature Verification')).toBe(3);
    expect(doctorPerf.get('ElGamal Decryption')).toBe(3);
    const alicePerf = new Map(ps[0]!.service.perf().map((r) => [r.primitive, r.calls]));
    expect(alicePerf.get('Signature Generation')).toBe(1);
    expect(alicePerf.get('AES Decryption')).toBeGreaterThanOrEqual(2);
  });

  it('a blocked patient gets opcode 80 and returns only when the block lapses, also across a doctor restart', async () => {
    const clock = new TestClock();
    const dataDir = tempDir('doctor-restart');
    cleanups.push(() => removeDir(dataDir));
    let d = await startDoctor({ dataDir, clock });
    const alice = await patient('alice', { clock });
    await alice.connect(d.port);
    d.service.block('alice', 2);
    await eventually(() => alice.service.status().state === 'blocked', 5000, 'alice blocked');
    const until = alice.service.status().blockedUntil!;
    expect(until).toBeGreaterThan(clock.now() + 110_000);
    expect((await alice.connect(d.port)).state).toBe('blocked');
    // Restart the doctor on the same data: the block is still there.
    const port = d.port;
    await d.service.close();
    d = await startDoctor({ dataDir, clock, port });
    cleanups.push(() => d.service.close());
    expect(d.service.snapshot().blocks.map((b) => b.id)).toEqual(['alice']);
    expect((await alice.connect(port)).state).toBe('blocked');
    clock.advance(121_000);
    expect(d.service.snapshot().blocks).toEqual([]);
    const back = await alice.connect(port);
    expect(back.state).toBe('admitted');
    expect(back.pinState).toBe('pinned');
  });

  it('the same id twice with the same key (a cloned device) blocks both', async () => {
    const d = await doctorFor();
    const shared = tempDir('clone');
    cleanups.push(() => removeDir(shared));
    const first = await patient('alice', { dataDir: shared });
    expect((await first.connect(d.port)).state).toBe('admitted');
    // The device's folder copied to another machine (one folder serves one process at a time).
    const copied = tempDir('clone-copy');
    cleanups.push(() => removeDir(copied));
    cpSync(shared, copied, { recursive: true, filter: (src) => !src.endsWith('medchat.lock') });
    const clone = await patient('alice', { dataDir: copied });
    expect((await clone.connect(d.port)).state).toBe('blocked');
    await eventually(() => first.service.status().state === 'blocked', 5000, 'first blocked');
    expect(d.audit.some((e) => e.kind === 'blocked' && /cloned/.test(e.detail))).toBe(true);
  });

  it('another key under a new id that waits for approval is no clone: nobody is blocked', async () => {
    const d = await doctorFor({ config: { policy: 'ask' } });
    const alice = await patient('alice');
    const waiting = await alice.connect(d.port);
    expect(waiting.state).toBe('handshake');
    // From the same address (every patient here is on 127.0.0.1) a second request for the id
    // replaces the first: one request per id and address. Still, nobody is blocked as a clone.
    const stranger = await patient('alice'); // its own data folder, so its own key
    const other = await stranger.connect(d.port);
    expect(other.ownFingerprint).not.toBe(waiting.ownFingerprint);
    expect(other.state).toBe('handshake');
    expect(d.service.snapshot().pending.map((p) => p.fingerprint)).toEqual([other.ownFingerprint]);
    await eventually(() => alice.service.status().state === 'disconnected', 5000, 'the first request replaced');
    expect(alice.service.status().reason).toMatch(/newer request from your address/);
    expect(d.audit.some((e) => e.kind === 'blocked')).toBe(false);
    d.service.approve('alice', other.ownFingerprint!);
    await eventually(() => stranger.service.status().state === 'admitted', 5000, 'admitted after approval');
  });

  it('a patient who leaves is removed and the group key changes', async () => {
    const d = await doctorFor();
    const alice = await patient('alice');
    const bob = await patient('bob');
    await alice.connect(d.port);
    await bob.connect(d.port);
    const epoch = d.service.snapshot().status.epoch;
    await alice.service.leave();
    await eventually(() => d.service.snapshot().patients.length === 1, 5000, 'alice removed');
    // The departure's rekey comes when the rekey window closes.
    await eventually(() => d.service.snapshot().status.epoch === epoch + 1, 5000, 'rekey after the departure');
    expect(d.audit.map((e) => e.kind)).toContain('exit');
    await d.service.broadcast('after alice left');
    await eventually(() => bob.messages.length === 1, 5000, 'bob received');
    expect(alice.messages).toEqual([]);
  });

  it('a changed key for a pinned patient is refused until the doctor accepts it', async () => {
    const d = await doctorFor();
    const original = await patient('alice');
    await original.connect(d.port);
    const newDevice = await patient('alice');
    const refused = await newDevice.connect(d.port);
    expect(refused.state).toBe('disconnected');
    expect(refused.reason).toMatch(/pinned to a different key/);
    expect(original.service.status().state).toBe('admitted');
    const pending = d.service.snapshot().pending;
    expect(pending.map((p) => [p.id, p.fingerprint])).toEqual([['alice', refused.ownFingerprint]]);
    d.service.approve('alice', refused.ownFingerprint!);
    await original.service.leave();
    const accepted = await newDevice.connect(d.port);
    expect(accepted.state).toBe('admitted');
    // The old key is now the stranger.
    const old = await original.connect(d.port);
    expect(old.state).toBe('disconnected');
  });

  it("the patient refuses a doctor whose pinned key changed, until the patient accepts it", async () => {
    const d1 = await startDoctor();
    const alice = await patient('alice');
    expect((await alice.connect(d1.port)).pinState).toBe('new');
    const port = d1.port;
    await d1.service.close();
    removeDir(d1.dataDir);
    const d2 = await doctorFor({ port });
    const refused = await alice.connect(port);
    expect(refused.state).toBe('key-changed');
    expect(refused.pinState).toBe('changed');
    expect(refused.doctorFingerprint).toBe(d2.service.snapshot().status.fingerprints[0]!.fingerprint);
    await eventually(() => d2.service.snapshot().patients.length === 0, 5000, 'refused session gone');
    expect(d2.audit.some((e) => e.kind === 'disconnect' && /DOCTOR_KEY_CHANGED/.test(e.detail))).toBe(true);
    const accepted = await alice.service.acceptDoctorKey(refused.doctorFingerprint!);
    expect(accepted.state).toBe('admitted');
  });

  it('"ask me" keeps a new patient waiting until the doctor approves', async () => {
    const d = await doctorFor({ config: { policy: 'ask' } });
    const alice = await patient('alice', { handshakeTimeoutMs: 400 });
    const waiting = await alice.connect(d.port);
    expect(waiting.state).toBe('handshake');
    expect(waiting.reason).toMatch(/approve/);
    // Waiting for a person outlasts the handshake timeout without dropping the patient.
    await new Promise((r) => setTimeout(r, 700));
    expect(alice.service.status().state).toBe('handshake');
    const pending = d.service.snapshot().pending[0]!;
    expect(pending.fingerprint).toBe(waiting.ownFingerprint);
    d.service.approve('alice', pending.fingerprint);
    await eventually(() => alice.service.status().state === 'admitted', 5000, 'admitted after approval');
  });

  it('drops a tampered broadcast undecrypted and keeps the session', async () => {
    const d = await doctorFor();
    // A man in the middle that flips one byte of the ciphertext of the first opcode 40.
    let flipped = false;
    const proxy = createServer((inbound: Socket) => {
      const outbound = connect({ host: '127.0.0.1', port: d.port });
      const decoder = new FrameDecoder();
      inbound.pipe(outbound);
      outbound.on('data', (chunk) => {
        for (const body of decoder.push(new Uint8Array(chunk))) {
          const m = decodeFromDoctor(body);
          if (m.op === 40 && !flipped) {
            flipped = true;
            m.box[20]! ^= 1;
          }
          inbound.write(encodeFrame(encodeDoctorMessage(m)));
        }
      });
      inbound.on('close', () => outbound.destroy());
      outbound.on('close', () => inbound.destroy());
      inbound.on('error', () => {});
      outbound.on('error', () => {});
    });
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
    cleanups.push(() => new Promise<void>((r) => proxy.close(() => r())));
    const alice = await patient('alice');
    await alice.connect((proxy.address() as { port: number }).port);
    await d.service.broadcast('tampered in transit');
    await d.service.broadcast('arrives intact');
    await eventually(() => alice.messages.length === 1, 5000, 'second message');
    expect(alice.messages.map((m) => m.text)).toEqual(['arrives intact']);
    expect(alice.service.status().state).toBe('admitted');
    const dropped = alice.service.audit({ kind: 'message-dropped' });
    expect(dropped[0]?.detail).toMatch(/MAC_MISMATCH/);
  });

  it('malformed frames get opcode 60 and the others keep receiving', async () => {
    const d = await doctorFor();
    const bob = await patient('bob');
    await bob.connect(d.port);
    const bad: Uint8Array[] = [
      Buffer.from([0xff, 0xff, 0xff, 0xff]), // declared length far over the cap
      encodeFrame(new TextEncoder().encode('not json')),
      encodeFrame(new TextEncoder().encode('{"op":33}')),
      encodeFrame(new TextEncoder().encode('{"op":5,"v":2,"patientId":"x","p":"zz","g":"2","y":"4"}')),
      encodeFrame(new TextEncoder().encode('[1,2,3]')),
    ];
    const codes = [];
    for (const bytes of bad) {
      const c = await RawClient.open(d.port);
      c.sendRaw(bytes);
      await c.waitClosed(5000);
      codes.push((c.received[0] as { code?: string }).code);
    }
    expect(codes).toEqual(['FRAME_TOO_LARGE', 'MALFORMED_FRAME', 'UNKNOWN_OPCODE', 'BAD_MESSAGE', 'BAD_MESSAGE']);
    // A truncated frame followed by silence is dropped by the handshake timeout, not held forever.
    await d.service.broadcast('still serving');
    await eventually(() => bob.messages.length === 1, 5000, 'bob received');
    const raw = await joinConference(d.port, { patientId: 'carol' });
    expect(raw.keysByEpoch.size).toBe(1);
  });

  it('persists the performance figures of each session', async () => {
    const d = await doctorFor();
    const alice = await patient('alice');
    await alice.connect(d.port);
    await d.service.broadcast('hello');
    await eventually(() => alice.messages.length === 1, 5000, 'received');
    await alice.service.leave();
    await d.service.stop();
    const history = d.service.perfHistory();
    expect(history[0]?.role).toBe('doctor');
    expect(history[0]?.endedAt).not.toBeNull();
    expect(history[0]?.rows.find((r) => r.primitive === 'Signature Verification')?.calls).toBe(1);
    const mine = alice.service.perfHistory();
    expect(mine[0]?.rows.find((r) => r.primitive === 'Signature Generation')?.calls).toBe(1);
  });
});

describe('a doctor restart', () => {
  it('offers to resume where it left off, and a reconnecting patient comes back by itself', async () => {
    const dataDir = tempDir('doctor-resume');
    cleanups.push(() => removeDir(dataDir));
    const d = await startDoctor({ dataDir });
    d.service.setPolicy('tofu');
    const port = d.port;
    const alice = await patient('alice', { reconnect: true });
    expect((await alice.connect(port)).state).toBe('admitted');
    await d.service.close();
    await eventually(() => alice.service.status().state === 'reconnecting', 5_000, 'alice reconnecting');
    expect(alice.service.status().reason).toBe('The doctor ended the conference.');

    // The restarted app: not listening yet, and it says where it was.
    const again = await createDoctorService({ dataDir, workers: 1 });
    cleanups.push(() => again.close());
    const status = again.status();
    expect(status.listening).toBe(false);
    expect(status.resume).toEqual({ host: '127.0.0.1', port });
    expect(status.policy).toBe('tofu');
    const restarted = Date.now();
    await again.listen(status.resume!.host, status.resume!.port);
    expect(again.status().resume).toBeNull();
    await eventually(() => alice.service.status().state === 'admitted', 40_000, 'alice readmitted');
    console.log(`doctor restart: alice readmitted ${Date.now() - restarted} ms after the doctor listened again`);
    expect(alice.service.status().pinState).toBe('pinned');
    expect(alice.service.audit({ kind: 'reconnected' })[0]?.detail).toMatch(/^readmitted after \d+ reconnection attempt\(s\)$/);
    expect(again.snapshot().patients.map((p) => [p.id, p.stage])).toEqual([['alice', 'admitted']]);
  }, 60_000);

  it('offers nothing when the stored address is not a valid one', async () => {
    const dataDir = tempDir('doctor-resume-bad');
    cleanups.push(() => removeDir(dataDir));
    for (const bad of ['{"host":"127.0.0.1","port":0}', '{"host":"http://x","port":5050}', 'not json', '{"host":"a\nb","port":5050}', '[]']) {
      const store = openStore(dataDir);
      store.settings.set('doctor.last-listen', bad);
      store.close();
      const service = await createDoctorService({ dataDir, workers: 1 });
      expect(service.status().resume, bad).toBeNull();
      await service.close();
    }
  });
});

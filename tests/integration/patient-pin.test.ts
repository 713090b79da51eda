/**
 * The patient's pin on the doctor binds what the patient dialled (host:port and group), not the
 * doctor id the peer answers with: a relay at a pinned address that answers opcode 5 with another
 * doctor id (with its own key, or the real doctor's) is a key change, refused before opcode 10.
 * Pins of older versions ("doctorId@host:port/groupId") still count, and migrate on a proven contact.
 * Also: what a hostile doctor writes in opcodes 60 and 80 reaches the patient's status and audit
 * only quoted and inert.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { FFDHE2048 } from '../../src/main/crypto/index.js';
import { FrameDecoder, decodeFromDoctor, decodeFromPatient, encodeDoctorMessage, encodeFrame } from '../../src/main/protocol/index.js';
import { openStore } from '../../src/main/store/index.js';
import { newKeyPair } from './support/raw-patient.js';
import { removeDir, startDoctor, tempDir, type TestDoctor } from './support/doctor.js';
import { startPatient, type TestPatient } from './support/patients.js';
import { assertCliBuilt, killAll, startPatient as startPatientCli } from './support/processes.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
  await killAll();
});

const stopped = new WeakSet<TestDoctor>();

/** Closes a doctor before the end of its test (once; cleanup skips it then). */
async function stopDoctor(d: TestDoctor): Promise<void> {
  if (stopped.has(d)) return;
  stopped.add(d);
  await d.service.close();
}

async function doctorFor(options: Parameters<typeof startDoctor>[0] = {}): Promise<TestDoctor> {
  const d = await startDoctor(options);
  cleanups.push(async () => {
    await stopDoctor(d);
    if (!options.dataDir) removeDir(d.dataDir);
  });
  return d;
}

async function patient(id: string, options: Parameters<typeof startPatient>[1] = {}): Promise<TestPatient> {
  const p = await startPatient(id, options);
  let closed = false;
  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    await p.close();
  };
  cleanups.push(close);
  return { ...p, close };
}

/** A TCP server on `port` (0: any) that is closed with all its sockets at cleanup or by stop(). */
async function serve(port: number, onConnection: (socket: Socket) => void): Promise<{ port: number; stop(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    onConnection(socket);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port }, () => resolve());
  });
  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    for (const s of sockets) s.destroy();
    await new Promise<void>((r) => server.close(() => r()));
  };
  cleanups.push(stop);
  return { port: (server.address() as { port: number }).port, stop };
}

/** A transparent forwarder to the doctor that notes the doctor's opcode 5 (its id and key). */
function forwardTo(doctorPort: number, seen: { doctorId?: string; y?: bigint }) {
  return (inbound: Socket): void => {
    const outbound = connect({ host: '127.0.0.1', port: doctorPort });
    const decoder = new FrameDecoder();
    inbound.pipe(outbound);
    outbound.on('data', (chunk) => {
      for (const body of decoder.push(new Uint8Array(chunk))) {
        const m = decodeFromDoctor(body);
        if (m.op === 5) Object.assign(seen, { doctorId: m.doctorId, y: m.y });
        inbound.write(encodeFrame(body));
      }
    });
    inbound.on('close', () => outbound.destroy());
    outbound.on('close', () => inbound.destroy());
    outbound.on('error', () => {});
  };
}

/**
 * A malicious relay: answers every opcode 5 as doctor `doctorId` with key `y` (its own, or one
 * copied from the real doctor) and records every opcode the patient sends it; with
 * `cutAtOp10`, it cuts the connection when opcode 10 arrives (before any opcode 20).
 */
function relay(doctorId: string, y: bigint, ops: number[], cutAtOp10 = false) {
  return (socket: Socket): void => {
    const decoder = new FrameDecoder();
    socket.on('data', (chunk) => {
      for (const body of decoder.push(new Uint8Array(chunk))) {
        const m = decodeFromPatient(body);
        ops.push(m.op);
        if (m.op === 5) socket.write(encodeFrame(encodeDoctorMessage({ op: 5, v: 2, doctorId, y })));
        if (m.op === 10 && cutAtOp10) socket.destroy();
      }
    });
  };
}

describe("the patient's pin on the doctor", () => {
  it('refuses a relay at the pinned address that answers with another doctor id, before opcode 10', async () => {
    const d = await doctorFor();
    const seen: { doctorId?: string; y?: bigint } = {};
    const proxy = await serve(0, forwardTo(d.port, seen));
    const alice = await patient('alice');
    const first = await alice.connect(proxy.port);
    expect(first.state).toBe('admitted');
    expect(first.pinState).toBe('new');
    expect(seen.doctorId).toBe('doctor');
    const pinned = alice.service.audit({ kind: 'doctor-pinned' });
    expect(pinned[0]?.detail).toMatch(/doctor doctor at 127\.0\.0\.1:\d+/);
    await alice.service.leave();
    await proxy.stop();

    // The relay takes over the port with its own key and another doctor id.
    const ops: number[] = [];
    const own = newKeyPair(FFDHE2048);
    const evil = await serve(proxy.port, relay('mallory', own.y, ops));
    const refused = await alice.connect(proxy.port);
    expect(refused.state).toBe('key-changed');
    expect(refused.pinState).toBe('changed');
    expect(refused.reason).toMatch(/answered as mallory, but doctor is pinned there/);
    expect(ops).toContain(5);
    expect(ops).not.toContain(10);
    const changed = alice.service.audit({ kind: 'doctor-key-changed' });
    expect(changed).toHaveLength(1);
    expect(changed[0]!.detail).toBe(`doctor mallory presented ${refused.doctorFingerprint}; pinned doctor doctor with ${first.doctorFingerprint}; refused`);
    await evil.stop();

    // The same with the real doctor's key copied under another id: still a change.
    const ops2: number[] = [];
    const copycat = await serve(proxy.port, relay('mallory', seen.y!, ops2));
    const again = await alice.connect(proxy.port);
    expect(again.state).toBe('key-changed');
    expect(again.doctorFingerprint).toBe(first.doctorFingerprint);
    expect(ops2).not.toContain(10);
    expect(alice.service.audit({ kind: 'doctor-key-changed' })[0]!.detail).toMatch(/^doctor mallory presented .*; pinned doctor doctor with /);
    await copycat.stop();

    // The real doctor back behind the proxy: the pin still holds.
    await serve(proxy.port, forwardTo(d.port, {}));
    const back = await alice.connect(proxy.port);
    expect(back.state).toBe('admitted');
    expect(back.pinState).toBe('pinned');
  });

  it('counts a pin written by an older version, refuses a changed key under it, and migrates it on a proven contact', async () => {
    const doctorDir = tempDir('doctor-legacy');
    const aliceDir = tempDir('patient-legacy');
    cleanups.push(() => {
      removeDir(doctorDir);
      removeDir(aliceDir);
    });
    const d1 = await doctorFor({ dataDir: doctorDir });
    const port = d1.port;
    const alice = await patient('alice', { dataDir: aliceDir });
    const first = await alice.connect(port);
    expect(first.state).toBe('admitted');
    await alice.close();

    // Rewrite the pin as an older version wrote it: doctorId@host:port/groupId, no doctorId inside.
    const store = openStore(aliceDir);
    const [pin] = store.pins.list();
    expect(pin!.peerId).toMatch(new RegExp(`^127\\.0\\.0\\.1:${port}/[0-9a-f]+$`));
    const groupId = pin!.peerId.split('/')[1]!;
    const legacyId = `doctor@127.0.0.1:${port}/${groupId}`;
    const { p, g, y } = JSON.parse(pin!.publicKey) as { p: string; g: string; y: string; doctorId: string };
    store.pins.remove(pin!.peerId);
    store.pins.pin(legacyId, pin!.keyFingerprint, JSON.stringify({ p, g, y }));
    store.close();

    // Another doctor key at the same address: refused under the legacy pin.
    await stopDoctor(d1);
    const d2 = await doctorFor({ port });
    const reopened = await patient('alice', { dataDir: aliceDir });
    const refused = await reopened.connect(port);
    expect(refused.state).toBe('key-changed');
    expect(refused.pinState).toBe('changed');
    expect(refused.doctorFingerprint).not.toBe(first.doctorFingerprint);
    expect(reopened.service.audit({ kind: 'doctor-key-changed' })[0]!.detail).toBe(
      `doctor doctor presented ${refused.doctorFingerprint}; pinned doctor doctor with ${first.doctorFingerprint} (pin of an older version); refused`,
    );
    await stopDoctor(d2);

    // The pinned doctor again: admitted as pinned, and the pin moves to the new id.
    await doctorFor({ dataDir: doctorDir, port });
    const back = await reopened.connect(port);
    expect(back.state).toBe('admitted');
    expect(back.pinState).toBe('pinned');
    expect(reopened.service.audit({ kind: 'doctor-pin-migrated' })).toHaveLength(1);
    await reopened.close();
    const after = openStore(aliceDir);
    const pins = after.pins.list();
    after.close();
    expect(pins.map((x) => x.peerId)).toEqual([`127.0.0.1:${port}/${groupId}`]);
    expect(JSON.parse(pins[0]!.publicKey)).toEqual({ p, g, y, doctorId: 'doctor' });
  });
});

describe('a handshake cut off after opcode 10', () => {
  it('pins nothing, and neither the status nor the terminal says the key was pinned', async () => {
    const ops: number[] = [];
    const cut = await serve(0, relay('doctor', newKeyPair(FFDHE2048).y, ops, true));
    const alice = await patient('alice');
    const status = await alice.connect(cut.port);
    expect(ops).toEqual([5, 10]);
    expect(status.state).toBe('disconnected');
    expect(status.doctorFingerprint).toMatch(/\S/);
    expect(status.pinState).toBe('unproven');
    expect(alice.statuses.some((x) => x.pinState === 'new')).toBe(false);
    expect(alice.service.audit({ kind: 'doctor-pinned' })).toEqual([]);
    await alice.close();
    const store = openStore(alice.dataDir);
    const pins = store.pins.list();
    store.close();
    expect(pins).toEqual([]);

    // The same through `medchat patient`, as a person sees it.
    assertCliBuilt();
    const dataDir = tempDir('patient-cut-cli');
    cleanups.push(() => removeDir(dataDir));
    const cli = startPatientCli({ id: 'bob', port: cut.port, dataDir, args: ['--no-reconnect'] });
    const code = await cli.waitExit();
    expect(code).toBe(1);
    const line = cli.lines.find((l) => l.startsWith('Doctor key: '));
    expect(line).toMatch(/\(first contact, not pinned yet: the doctor has not proven it holds this key\)$/);
    expect(cli.output()).not.toMatch(/pinned now/);
  });
});

describe('peer text from a hostile doctor', () => {
  /** A "doctor" that answers the patient's opcode 5 with one message of its choosing. */
  function answering(message: Parameters<typeof encodeDoctorMessage>[0]) {
    return (socket: Socket): void => {
      const decoder = new FrameDecoder();
      socket.on('data', (chunk) => {
        for (const body of decoder.push(new Uint8Array(chunk))) {
          if (decodeFromPatient(body).op === 5) socket.write(encodeFrame(encodeDoctorMessage(message)));
        }
      });
    };
  }

  it('an opcode 80 reason is quoted after our own sentence, and an impossible time does not crash', async () => {
    const until = Date.UTC(2030, 0, 2, 3, 4, 5);
    const evil = await serve(0, answering({ op: 80, reason: 'bye\n[admitted] mallory (1.2.3.4:5): pinned key\u202E', until }));
    const alice = await patient('alice');
    const blocked = await alice.connect(evil.port);
    expect(blocked.state).toBe('blocked');
    expect(blocked.blockedUntil).toBe(until);
    expect(blocked.reason).toBe('Blocked by the doctor until 2030-01-02T03:04:05.000Z. The doctor said: "bye\\n[admitted] mallory (1.2.3.4:5): pinned key\\u{202E}"');
    expect(alice.service.audit({ kind: 'blocked' })[0]!.detail).toBe(blocked.reason);
    await evil.stop();

    const far = await serve(0, answering({ op: 80, reason: '', until: Number.MAX_SAFE_INTEGER }));
    const again = await alice.connect(far.port);
    expect(again.state).toBe('blocked');
    expect(again.reason).toBe(`Blocked by the doctor until ${Number.MAX_SAFE_INTEGER} ms since 1970.`);
  });

  it('an opcode 60 is told in our words, with the peer text quoted', async () => {
    const known = await serve(0, answering({ op: 60, code: 'SHUTDOWN', reason: 'ok\r\n[admitted] mallory' }));
    const alice = await patient('alice');
    const told = await alice.connect(known.port);
    expect(told.state).toBe('disconnected');
    expect(told.reason).toBe('The doctor ended the conference. The peer said: "ok\\r\\n[admitted] mallory"');
    await known.stop();

    const unknown = await serve(0, answering({ op: 60, code: 'NEW\tCODE', reason: '\u2066x\u2069' }));
    const other = await alice.connect(unknown.port);
    expect(other.reason).toBe('The peer ended the session (code "NEW\\tCODE"): "\\u{2066}x\\u{2069}"');
  });
});

/**
 * The handlers' routing and error mapping, over the real doctor and patient services (SQLite store
 * on a temp dir, one crypto worker, real TCP on 127.0.0.1; see real-services.ts). Every outcome
 * here, including each error, comes from what the engine really does.
 */
import { renameSync, writeFileSync, mkdirSync } from 'node:fs';
import { createServer, connect as connectTcp, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { describeError, handleInvoke, internalErrorMessage, HANDLERS } from '../../../src/main/ipc/handlers.js';
import { AppRuntime } from '../../../src/main/ipc/runtime.js';
import type { ServiceEvent } from '../../../src/main/service/services.js';
import { encodeFrame, encodePatientMessage } from '../../../src/main/protocol/index.js';
import { AUDIT_CSV_HEADER } from '../../../src/main/store/audit-csv.js';
import { DB_FILE_NAME } from '../../../src/main/store/store.js';
import { LIMITS } from '../../../src/shared/contract-validate.js';
import { INVOKE_CHANNELS, type Result, type Role } from '../../../src/shared/contract.js';
import { engineFactories, Scratch } from './real-services.js';

const scratch = new Scratch();
afterEach(() => scratch.cleanup());

/** A safety number of the contract's shape that no real request carries. */
const UNKNOWN_FINGERPRINT = '11111 22222 33333 44444 55555 66666';

async function runtime(role?: Role) {
  const dataDir = scratch.dir('handlers');
  const factories = engineFactories();
  const logs: string[] = [];
  const rt = scratch.track(
    await AppRuntime.start({ dataDir, shell: 'browser', role, version: '9.9.9', log: (l) => logs.push(l), factories }),
  );
  return { rt, dataDir, factories, logs };
}

function value<T>(result: Result<T>): T {
  if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`);
  return result.value;
}

/** The next event the runtime forwards that passes `test` (subscribe before causing it). */
function nextEvent(rt: AppRuntime, test: (e: ServiceEvent) => boolean, ms = 10_000): Promise<ServiceEvent> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      stop();
      reject(new Error('timed out waiting for a service event'));
    }, ms);
    const stop = rt.subscribe((e) => {
      if (!test(e)) return;
      clearTimeout(timer);
      stop();
      resolve(e);
    });
  });
}

/** A port on 127.0.0.1 that nothing listens on (it was free a moment ago). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Dials the doctor and sends only an opcode 60 (a peer hanging up with its own reason text). */
async function sendOpcode60(port: number, code: string, reason: string): Promise<void> {
  const socket = connectTcp({ host: '127.0.0.1', port });
  socket.on('error', () => {});
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  socket.end(encodeFrame(encodePatientMessage({ op: 60, code, reason })));
}

describe('handler table', () => {
  it('has exactly one handler per contract channel', () => {
    expect(Object.keys(HANDLERS).sort()).toEqual([...INVOKE_CHANNELS].sort());
  });
});

describe('handleInvoke', () => {
  it('answers app.info before a role is chosen, without starting a service', async () => {
    const { rt, dataDir, factories } = await runtime();
    const result = await handleInvoke(rt, 'app.info', undefined);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value).toMatchObject({ role: null, lastRole: null, version: '9.9.9', shell: 'browser', dataDir });
    expect(['native', 'jsbn', 'bigint']).toContain(result.value.modexpBackend);
    expect(factories.created).toEqual([]);
  });

  it('remembers the role chosen last in the data folder, and ignores a file that is not a role', async () => {
    const dataDir = scratch.dir('last-role');
    const start = async (log: string[] = []) =>
      scratch.track(await AppRuntime.start({ dataDir, shell: 'browser', version: '9.9.9', log: (l) => log.push(l), factories: engineFactories() }));
    const first = await start();
    expect(first.info().lastRole).toBeNull();
    expect(value(await handleInvoke(first, 'app.chooseRole', { role: 'patient' }))).toMatchObject({ role: 'patient', lastRole: 'patient' });
    await first.close();
    const second = await start();
    expect(second.info()).toMatchObject({ role: null, lastRole: 'patient' });
    await second.close();
    writeFileSync(join(dataDir, 'last-role'), 'doctor\u001b[2J; rm -rf /\n');
    const log: string[] = [];
    const third = await start(log);
    expect(third.info().lastRole).toBeNull();
    expect(log).toEqual(['last-role: ignored (not "doctor" or "patient")']);
  });

  it('refuses unknown channels without throwing', async () => {
    const { rt } = await runtime();
    for (const channel of ['app.quit', '__proto__', 'constructor', 42, null, undefined]) {
      const result = await handleInvoke(rt, channel, undefined);
      expect(result).toEqual({ ok: false, error: { code: 'UNKNOWN_CHANNEL', message: expect.any(String) } });
    }
  });

  it('refuses a bad argument before any service sees it', async () => {
    const { rt } = await runtime();
    expect(await handleInvoke(rt, 'app.chooseRole', { role: 'doctor' })).toMatchObject({ ok: true });
    for (const arg of [
      { patientId: 'alice', minutes: 0 },
      // the real service would accept this one (a week and a minute), so only the contract stops it
      { patientId: 'alice', minutes: LIMITS.blockMinutes.max + 1 },
      { patientId: 'alice bob', minutes: 5 },
      { patientId: 'alice', minutes: 5, reason: 'extra field' },
    ]) {
      expect(await handleInvoke(rt, 'doctor.block', arg), JSON.stringify(arg)).toMatchObject({ ok: false, error: { code: 'BAD_ARGUMENT' } });
    }
    // The real doctor never saw them: nothing is blocked and nothing was audited as blocked.
    expect(value(await handleInvoke(rt, 'doctor.snapshot', undefined)).blocks).toEqual([]);
    expect(value(await handleInvoke(rt, 'doctor.audit', { kind: 'blocked' }))).toEqual([]);
  });

  it('says NO_ROLE before a role is chosen, for both sides', async () => {
    const { rt, factories } = await runtime();
    expect(await handleInvoke(rt, 'doctor.snapshot', undefined)).toMatchObject({ ok: false, error: { code: 'NO_ROLE' } });
    expect(await handleInvoke(rt, 'patient.status', undefined)).toMatchObject({ ok: false, error: { code: 'NO_ROLE' } });
    expect(factories.created).toEqual([]);
  });

  it('says WRONG_ROLE for the other side, and ROLE_ALREADY_CHOSEN for a second role', async () => {
    const { rt, factories } = await runtime();
    expect(await handleInvoke(rt, 'app.chooseRole', { role: 'patient' })).toMatchObject({ ok: true, value: { role: 'patient' } });
    expect(await handleInvoke(rt, 'doctor.broadcast', { text: 'hi' })).toMatchObject({ ok: false, error: { code: 'WRONG_ROLE' } });
    expect(await handleInvoke(rt, 'app.chooseRole', { role: 'doctor' })).toMatchObject({ ok: false, error: { code: 'ROLE_ALREADY_CHOSEN' } });
    // choosing the same role again (a reloaded window) is fine and starts nothing new
    expect(await handleInvoke(rt, 'app.chooseRole', { role: 'patient' })).toMatchObject({ ok: true });
    expect(factories.created).toEqual(['patient']);
  });

  it('routes validated arguments to the role service and wraps the value', async () => {
    const { rt } = await runtime('doctor');
    const before = Date.now();
    const block = value(await handleInvoke(rt, 'doctor.block', { patientId: 'alice', minutes: 3 }));
    const after = Date.now();
    expect(block).toEqual({ id: 'alice', reason: 'blocked by the doctor', note: null, blockedAt: expect.any(Number), expiresAt: expect.any(Number) });
    // The engine reads its clock once for the expiry and once more for blockedAt, so the two can
    // be a millisecond apart: check each against the wall clock around the call instead.
    expect(block.blockedAt).toBeGreaterThanOrEqual(before);
    expect(block.blockedAt).toBeLessThanOrEqual(after);
    expect(block.expiresAt).toBeGreaterThanOrEqual(before + 3 * 60_000);
    expect(block.expiresAt).toBeLessThanOrEqual(after + 3 * 60_000);
    expect(await handleInvoke(rt, 'doctor.unblock', { patientId: 'alice' })).toEqual({ ok: true, value: undefined });
    const listening = value(await handleInvoke(rt, 'doctor.listen', { host: '127.0.0.1', port: 0 }));
    expect(listening).toMatchObject({ listening: true, host: '127.0.0.1' });
    expect(listening.port).toBeGreaterThan(0);
    // The service acted on exactly those arguments: its own audit log says so, newest first.
    const audit = value(await handleInvoke(rt, 'doctor.audit', {}));
    expect(audit.filter((e) => ['blocked', 'unblocked', 'listen'].includes(e.kind)).map((e) => [e.kind, e.patientId, e.detail])).toEqual([
      ['listen', null, `listening on 127.0.0.1:${listening.port}`],
      ['unblocked', 'alice', 'unblocked by the doctor'],
      ['blocked', 'alice', `blocked by the doctor; until ${new Date(block.expiresAt).toISOString()}`],
    ]);
    expect(value(await handleInvoke(rt, 'doctor.snapshot', undefined))).toMatchObject({ status: { listening: true, port: listening.port }, blocks: [] });
  });

  it('routes every other doctor channel to the real service', async () => {
    const { rt } = await runtime('doctor');
    expect(value(await handleInvoke(rt, 'doctor.snapshot', undefined))).toMatchObject({ status: { listening: false, policy: 'tofu' }, patients: [], pending: [] });
    expect(value(await handleInvoke(rt, 'doctor.setPolicy', { policy: 'ask' }))).toMatchObject({ policy: 'ask' });
    const noRequest = { ok: false, error: { code: 'NO_SUCH_REQUEST' } };
    expect(await handleInvoke(rt, 'doctor.approve', { patientId: 'alice', fingerprint: UNKNOWN_FINGERPRINT })).toMatchObject(noRequest);
    expect(await handleInvoke(rt, 'doctor.reject', { patientId: 'alice', fingerprint: UNKNOWN_FINGERPRINT })).toMatchObject(noRequest);
    const { port } = value(await handleInvoke(rt, 'doctor.listen', { host: '127.0.0.1', port: 0 }));
    expect(await handleInvoke(rt, 'doctor.listen', { host: '127.0.0.1', port: 0 })).toMatchObject({ ok: false, error: { code: 'ALREADY_LISTENING' } });
    expect(await handleInvoke(rt, 'doctor.broadcast', { text: 'anyone?' })).toMatchObject({ ok: false, error: { code: 'NO_PATIENTS' } });
    expect(value(await handleInvoke(rt, 'doctor.status', undefined))).toMatchObject({ listening: true, host: '127.0.0.1', port, policy: 'ask' });
    expect(await handleInvoke(rt, 'doctor.status', {})).toMatchObject({ ok: false, error: { code: 'BAD_ARGUMENT' } });
    expect(value(await handleInvoke(rt, 'doctor.stop', undefined))).toMatchObject({ listening: false, port: null, policy: 'ask' });
    expect(value(await handleInvoke(rt, 'doctor.audit', { kind: 'policy' })).map((e) => e.detail)).toEqual(['new patients: ask the doctor']);
    expect(value(await handleInvoke(rt, 'doctor.audit', { kind: 'shutdown', limit: 1 }))[0]?.detail).toContain(`127.0.0.1:${port}`);
    const rows = value(await handleInvoke(rt, 'doctor.audit', {})).length;
    expect(value(await handleInvoke(rt, 'doctor.auditVerify', undefined))).toEqual({ ok: true, rows, problem: null, sealChecked: true });
    expect(Array.isArray(value(await handleInvoke(rt, 'doctor.perf', undefined)))).toBe(true);
    // the listening session just stopped is in the performance history, ended
    const history = value(await handleInvoke(rt, 'doctor.perfHistory', undefined));
    expect(history).toHaveLength(1);
    expect(history[0]).toMatchObject({ role: 'doctor', endedAt: expect.any(Number) });
  });

  it('routes every patient channel to the real service', async () => {
    const { rt } = await runtime('patient');
    expect(value(await handleInvoke(rt, 'patient.status', undefined))).toMatchObject({ state: 'idle', patientId: null });
    expect(value(await handleInvoke(rt, 'patient.feed', undefined))).toEqual([]);
    expect(Array.isArray(value(await handleInvoke(rt, 'patient.perf', undefined)))).toBe(true);
    expect(value(await handleInvoke(rt, 'patient.perfHistory', undefined))).toEqual([]);
    expect(value(await handleInvoke(rt, 'patient.leave', undefined))).toMatchObject({ state: 'idle' });
    expect(await handleInvoke(rt, 'patient.acceptDoctorKey', { fingerprint: UNKNOWN_FINGERPRINT })).toMatchObject({
      ok: false,
      error: { code: 'NO_KEY_CHANGE' },
    });
    const port = await closedPort();
    // Nobody listens there: the app says so and keeps dialling (1 s, 2 s, ...) until told to stop.
    const dialling = value(await handleInvoke(rt, 'patient.connect', { host: '127.0.0.1', port, patientId: 'alice', group: 'ffdhe2048' }));
    expect(dialling).toMatchObject({ state: 'reconnecting', patientId: 'alice', doctor: { port }, reconnect: { attempt: 1 } });
    expect(dialling.reason).toContain('ECONNREFUSED');
    expect(value(await handleInvoke(rt, 'patient.leave', undefined))).toMatchObject({ state: 'disconnected', reason: expect.stringMatching(/^You stopped reconnecting\. .*ECONNREFUSED/), reconnect: null });
    expect(value(await handleInvoke(rt, 'patient.status', undefined))).toMatchObject({ state: 'disconnected', patientId: 'alice', doctor: { port } });
    // connecting made the patient's key for the group, which the patient's own audit log records
    expect(value(await handleInvoke(rt, 'patient.audit', { kind: 'identity-created' }))).toHaveLength(1);
  });

  it('exports the audit log as CSV with formula cells neutralised', async () => {
    const { rt } = await runtime('doctor');
    const { port } = value(await handleInvoke(rt, 'doctor.listen', { host: '127.0.0.1', port: 0 }));
    // An id a spreadsheet would run as a formula (ids may start with @ or -) ...
    value(await handleInvoke(rt, 'doctor.block', { patientId: '@cmd', minutes: 3 }));
    // ... and text chosen by a remote peer, with a comma and quotes, over real TCP.
    const hungUp = nextEvent(rt, (e) => e.channel === 'doctor.audit' && e.payload.kind === 'disconnect');
    await sendOpcode60(port!, 'BYE', 'a, "quoted" detail');
    await hungUp;

    const result = await handleInvoke(rt, 'doctor.auditCsv', {});
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const lines = result.value.trim().split('\r\n');
    // the store's CSV format (src/main/store/audit-csv.ts), the same as the CLI export
    expect(lines[0]).toBe('seq,at_iso,kind,patient_id,address,detail');
    expect(lines[0]).toBe(AUDIT_CSV_HEADER.join(','));
    const [blocked] = value(await handleInvoke(rt, 'doctor.audit', { kind: 'blocked' }));
    const [bye] = value(await handleInvoke(rt, 'doctor.audit', { kind: 'disconnect' }));
    // The peer's words stay quoted, their quotes escaped: they cannot pose as the doctor's own.
    expect(bye?.detail).toBe('patient sent opcode 60, code "BYE", reason "a, \\"quoted\\" detail"');
    expect(lines).toContain(`${blocked!.seq},${new Date(blocked!.at).toISOString()},blocked,'@cmd,,${blocked!.detail}`);
    expect(lines).toContain(`${bye!.seq},${new Date(bye!.at).toISOString()},disconnect,,${bye!.address},"patient sent opcode 60, code ""BYE"", reason ""a, \\""quoted\\"" detail"""`);
  });

  it('passes a ServiceError through with its code and sentence', async () => {
    const { rt } = await runtime('doctor');
    expect(await handleInvoke(rt, 'doctor.unblock', { patientId: 'alice' })).toEqual({
      ok: false,
      error: { code: 'NOT_BLOCKED', message: 'alice is not blocked.' },
    });
    expect(await handleInvoke(rt, 'doctor.broadcast', { text: 'hello' })).toEqual({
      ok: false,
      error: { code: 'NOT_LISTENING', message: 'Start the conference before broadcasting.' },
    });
  });

  it('names the field at fault when it knows it: a port in use is the port', async () => {
    const { rt } = await runtime('doctor');
    const busy = createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = busy.address() as AddressInfo;
      const result = await handleInvoke(rt, 'doctor.listen', { host: '127.0.0.1', port });
      expect(result).toMatchObject({ ok: false, error: { code: 'LISTEN_FAILED', field: 'port', message: expect.stringMatching(/already uses this port.*\(EADDRINUSE\)\.$/) } });
    } finally {
      busy.close();
    }
    // Errors without a field carry none.
    expect(await handleInvoke(rt, 'doctor.unblock', { patientId: 'alice' })).not.toHaveProperty('error.field');
  });

  it('hides any other error behind INTERNAL and logs it without the argument', async () => {
    const { rt, logs } = await runtime('patient');
    // The patient's database goes away under the runtime (its service closed behind the runtime's
    // back): the next query fails inside better-sqlite3 with a TypeError, not a ServiceError.
    await rt.patient().close();
    const result = await handleInvoke(rt, 'patient.audit', { text: 'confidential diagnosis' });
    expect(result).toEqual({ ok: false, error: { code: 'INTERNAL', message: internalErrorMessage(rt.logPath) } });
    expect(internalErrorMessage('/data/logs/medchat.log')).toBe('Internal error; see the application log (/data/logs/medchat.log).');
    expect(logs.join('\n')).toContain('ipc: patient.audit failed: TypeError: The database connection is not open');
    expect(logs.join('\n')).not.toContain('confidential diagnosis');
    // The engine only throws Error objects, so a thrown non-Error cannot be provoked here; the
    // catch-all takes the same branch, and its log line names the type only, never the value.
    expect(describeError('a thrown string')).toBe('non-Error value of type string');
  });

  it('a failed service start leaves the role unchosen, so the user can retry', async () => {
    const dataDir = scratch.dir('handlers');
    // The data folder holds a medchat.db that is not a database: the real store refuses it.
    mkdirSync(join(dataDir, 'patient'), { recursive: true });
    writeFileSync(join(dataDir, 'patient', DB_FILE_NAME), 'these are not the SQLite bytes you are looking for');
    const factories = engineFactories();
    const rt = scratch.track(new AppRuntime({ dataDir, shell: 'browser', log: () => {}, factories }));
    expect(await handleInvoke(rt, 'app.chooseRole', { role: 'patient' })).toMatchObject({
      ok: false,
      error: { code: 'NOT_A_MEDCHAT_DB', message: expect.stringContaining('is not a SQLite database') },
    });
    expect(rt.role).toBeNull();
    expect(factories.created).toEqual([]);
    // The user moves the stray file aside and tries again.
    renameSync(join(dataDir, 'patient', DB_FILE_NAME), join(dataDir, 'patient', 'stray.bin'));
    expect(await handleInvoke(rt, 'app.chooseRole', { role: 'patient' })).toMatchObject({ ok: true, value: { role: 'patient' } });
    expect(factories.created).toEqual(['patient']);
    expect(await handleInvoke(rt, 'patient.status', undefined)).toMatchObject({ ok: true, value: { state: 'idle' } });
  });

  it('after close: SHUTTING_DOWN, and the service was closed once', async () => {
    const { rt, factories } = await runtime('patient');
    const service = rt.patient();
    await Promise.all([rt.close(), rt.close()]);
    expect(factories.closeCalls).toEqual({ doctor: 0, patient: 1 });
    // really closed: its database connection is gone
    expect(() => service.audit({})).toThrow(/database connection is not open/);
    expect(await handleInvoke(rt, 'patient.status', undefined)).toMatchObject({ ok: false, error: { code: 'SHUTTING_DOWN' } });
  });
});

describe('AppRuntime events', () => {
  it('fans service events out to every subscriber, surviving a throwing one', async () => {
    const { rt, logs } = await runtime('doctor');
    const seen: ServiceEvent[] = [];
    rt.subscribe(() => {
      throw new Error('window gone');
    });
    const stop = rt.subscribe((e) => seen.push(e));

    // A real policy change: the audit entry is pushed at once, the coalesced snapshot a turn later.
    let changed = nextEvent(rt, (e) => e.channel === 'doctor.changed');
    value(await handleInvoke(rt, 'doctor.setPolicy', { policy: 'ask' }));
    await changed;
    expect(seen.find((e) => e.channel === 'doctor.audit')?.payload).toMatchObject({ kind: 'policy', detail: 'new patients: ask the doctor' });
    expect(seen.find((e) => e.channel === 'doctor.changed')?.payload).toMatchObject({ status: { policy: 'ask' } });
    expect(logs.some((l) => l.includes('window gone'))).toBe(true);

    stop();
    const before = [...seen];
    changed = nextEvent(rt, (e) => e.channel === 'doctor.changed');
    value(await handleInvoke(rt, 'doctor.setPolicy', { policy: 'tofu' }));
    await changed;
    expect(seen).toEqual(before);
  });
});

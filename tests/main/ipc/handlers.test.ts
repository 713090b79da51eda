/**
 * The handlers' routing and error mapping. The services here are stand-ins (stub-services.ts):
 * these tests are about the IPC layer, not the engine.
 */
import { describe, expect, it } from 'vitest';
import { handleInvoke, INTERNAL_ERROR_MESSAGE, HANDLERS } from '../../../src/main/ipc/handlers.js';
import { AppRuntime } from '../../../src/main/ipc/runtime.js';
import { INVOKE_CHANNELS } from '../../../src/shared/contract.js';
import { ServiceError, stubFactories } from './stub-services.js';

function runtime(role?: 'doctor' | 'patient') {
  const factories = stubFactories();
  const logs: string[] = [];
  const rt = new AppRuntime({ dataDir: '/tmp/medchat-test', shell: 'browser', role, version: '9.9.9', log: (l) => logs.push(l), factories });
  return { rt, factories, logs };
}

describe('handler table', () => {
  it('has exactly one handler per contract channel', () => {
    expect(Object.keys(HANDLERS).sort()).toEqual([...INVOKE_CHANNELS].sort());
  });
});

describe('handleInvoke', () => {
  it('answers app.info before a role is chosen', async () => {
    const { rt } = runtime();
    const result = await handleInvoke(rt, 'app.info', undefined);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value).toMatchObject({ role: null, version: '9.9.9', shell: 'browser', dataDir: '/tmp/medchat-test' });
    expect(['native', 'jsbn', 'bigint']).toContain(result.value.modexpBackend);
  });

  it('refuses unknown channels without throwing', async () => {
    const { rt } = runtime();
    for (const channel of ['app.quit', '__proto__', 'constructor', 42, null, undefined]) {
      const result = await handleInvoke(rt, channel, undefined);
      expect(result).toEqual({ ok: false, error: { code: 'UNKNOWN_CHANNEL', message: expect.any(String) } });
    }
  });

  it('refuses a bad argument before any service sees it', async () => {
    const { rt, factories } = runtime();
    await handleInvoke(rt, 'app.chooseRole', { role: 'doctor' });
    const result = await handleInvoke(rt, 'doctor.block', { patientId: 'alice', minutes: 0 });
    expect(result).toMatchObject({ ok: false, error: { code: 'BAD_ARGUMENT' } });
    expect(factories.doctor.control.calls).toEqual([]);
  });

  it('says NO_ROLE before a role is chosen, for both sides', async () => {
    const { rt } = runtime();
    expect(await handleInvoke(rt, 'doctor.snapshot', undefined)).toMatchObject({ ok: false, error: { code: 'NO_ROLE' } });
    expect(await handleInvoke(rt, 'patient.status', undefined)).toMatchObject({ ok: false, error: { code: 'NO_ROLE' } });
  });

  it('says WRONG_ROLE for the other side, and ROLE_ALREADY_CHOSEN for a second role', async () => {
    const { rt, factories } = runtime();
    expect(await handleInvoke(rt, 'app.chooseRole', { role: 'patient' })).toMatchObject({ ok: true, value: { role: 'patient' } });
    expect(await handleInvoke(rt, 'doctor.broadcast', { text: 'hi' })).toMatchObject({ ok: false, error: { code: 'WRONG_ROLE' } });
    expect(await handleInvoke(rt, 'app.chooseRole', { role: 'doctor' })).toMatchObject({ ok: false, error: { code: 'ROLE_ALREADY_CHOSEN' } });
    // choosing the same role again (a reloaded window) is fine and starts nothing new
    expect(await handleInvoke(rt, 'app.chooseRole', { role: 'patient' })).toMatchObject({ ok: true });
    expect(factories.created).toEqual(['patient']);
  });

  it('routes validated arguments to the role service and wraps the value', async () => {
    const { rt, factories } = runtime('doctor');
    await rt.chooseRole('doctor');
    const block = await handleInvoke(rt, 'doctor.block', { patientId: 'alice', minutes: 3 });
    expect(block).toEqual({ ok: true, value: { id: 'alice', reason: 'by the doctor', blockedAt: 1000, expiresAt: 1000 + 3 * 60_000 } });
    expect(await handleInvoke(rt, 'doctor.unblock', { patientId: 'alice' })).toEqual({ ok: true, value: undefined });
    expect(await handleInvoke(rt, 'doctor.listen', { host: '127.0.0.1', port: 0 })).toMatchObject({ ok: true, value: { listening: true } });
    expect(factories.doctor.control.calls.map((c) => [c.method, ...c.args])).toEqual([
      ['block', 'alice', 3],
      ['unblock', 'alice'],
      ['listen', '127.0.0.1', 0],
    ]);
  });

  it('exports the audit log as CSV with formula cells neutralised', async () => {
    const { rt } = runtime();
    await rt.chooseRole('doctor');
    const result = await handleInvoke(rt, 'doctor.auditCsv', {});
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const lines = result.value.trim().split('\r\n');
    // the store's CSV format (src/main/store/audit-csv.ts), the same as the CLI export
    expect(lines[0]).toBe('seq,at_iso,kind,patient_id,address,detail');
    expect(lines[1]).toBe(`1,1970-01-01T00:00:00.000Z,join,'=cmd,127.0.0.1,"a, ""quoted"" detail"`);
  });

  it('passes a ServiceError through with its code and sentence', async () => {
    const { rt, factories } = runtime();
    await rt.chooseRole('doctor');
    factories.doctor.control.failNext('unblock', new ServiceError('UNKNOWN_PATIENT', 'No patient "alice" is blocked.'));
    expect(await handleInvoke(rt, 'doctor.unblock', { patientId: 'alice' })).toEqual({
      ok: false,
      error: { code: 'UNKNOWN_PATIENT', message: 'No patient "alice" is blocked.' },
    });
  });

  it('hides any other error behind INTERNAL and logs it without the argument', async () => {
    const { rt, factories, logs } = runtime();
    await rt.chooseRole('doctor');
    factories.doctor.control.failNext('broadcast', new TypeError('cannot read x of undefined'));
    const result = await handleInvoke(rt, 'doctor.broadcast', { text: 'confidential diagnosis' });
    expect(result).toEqual({ ok: false, error: { code: 'INTERNAL', message: INTERNAL_ERROR_MESSAGE } });
    expect(logs.join('\n')).toContain('TypeError: cannot read x of undefined');
    expect(logs.join('\n')).not.toContain('confidential diagnosis');
    factories.doctor.control.failNext('snapshot', 'a thrown string');
    expect(await handleInvoke(rt, 'doctor.snapshot', undefined)).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
  });

  it('a failed service start leaves the role unchosen, so the user can retry', async () => {
    const factories = stubFactories();
    let attempts = 0;
    const rt = new AppRuntime({
      dataDir: '/tmp/x', shell: 'browser', log: () => {},
      factories: { ...factories, createPatientService: async () => { attempts++; if (attempts === 1) throw new ServiceError('DATA_DIR', 'Cannot write the data folder.'); return factories.patient.service; } },
    });
    expect(await handleInvoke(rt, 'app.chooseRole', { role: 'patient' })).toMatchObject({ ok: false, error: { code: 'DATA_DIR' } });
    expect(rt.role).toBeNull();
    expect(await handleInvoke(rt, 'app.chooseRole', { role: 'patient' })).toMatchObject({ ok: true });
  });

  it('after close: SHUTTING_DOWN, and the service was closed once', async () => {
    const { rt, factories } = runtime();
    await rt.chooseRole('patient');
    await Promise.all([rt.close(), rt.close()]);
    expect(factories.patient.control.closed).toBe(1);
    expect(await handleInvoke(rt, 'patient.status', undefined)).toMatchObject({ ok: false, error: { code: 'SHUTTING_DOWN' } });
  });
});

describe('AppRuntime events', () => {
  it('fans service events out to every subscriber, surviving a throwing one', async () => {
    const { rt, factories, logs } = runtime();
    await rt.chooseRole('patient');
    const seen: string[] = [];
    rt.subscribe(() => {
      throw new Error('window gone');
    });
    const stop = rt.subscribe((e) => seen.push(e.channel));
    const message = { seq: 1, epoch: 1, sentAt: 1, receivedAt: 2, text: 'hello' };
    factories.patient.control.emit({ channel: 'patient.message', payload: message });
    stop();
    factories.patient.control.emit({ channel: 'patient.message', payload: message });
    expect(seen).toEqual(['patient.message']);
    expect(logs.some((l) => l.includes('window gone'))).toBe(true);
  });
});

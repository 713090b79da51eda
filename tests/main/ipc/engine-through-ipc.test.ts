/**
 * The real engine behind the IPC layer: a doctor and a patient AppRuntime (real services, real
 * TCP on 127.0.0.1) driven only through handleInvoke and, for the patient, through the browser
 * mode's WebSocket bridge, as the UI drives them.
 */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startBrowserMode } from '../../../src/main/web/browser-mode.js';
import { handleInvoke } from '../../../src/main/ipc/handlers.js';
import { AppRuntime } from '../../../src/main/ipc/runtime.js';
import { validateInvokeArg } from '../../../src/shared/contract-validate.js';
import type { DoctorStatus, PatientStatus } from '../../../src/shared/contract.js';

const base = mkdtempSync(join(tmpdir(), 'medchat-engine-ipc-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));

function value<T>(result: { ok: true; value: T } | { ok: false; error: { code: string; message: string } }): T {
  if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`);
  return result.value;
}

describe('real services through the IPC layer', () => {
  it('doctor listens, a browser-mode patient joins over the bridge, and the broadcast arrives as an event', async () => {
    const logs: string[] = [];
    const doctor = await AppRuntime.start({ dataDir: join(base, 'doctor'), shell: 'browser', role: 'doctor', log: (l) => logs.push(l) });
    const rendererDir = join(base, 'renderer');
    mkdirSync(rendererDir, { recursive: true });
    writeFileSync(join(rendererDir, 'index.html'), '<!doctype html>');
    const patientMode = await startBrowserMode({ role: 'patient', dataDir: join(base, 'patient'), rendererDir, log: (l) => logs.push(l) });
    try {
      const status: DoctorStatus = value(await handleInvoke(doctor, 'doctor.listen', { host: '127.0.0.1', port: 0 }));
      expect(status.listening).toBe(true);

      const url = new URL(patientMode.url);
      const ws = new WebSocket(`ws://${url.host}/bridge?token=${url.searchParams.get('token')}`, { headers: { Origin: `http://${url.host}` } });
      const frames: Record<string, unknown>[] = [];
      ws.on('message', (data) => frames.push(JSON.parse(String(data)) as Record<string, unknown>));
      await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
      const waitFor = async (test: (f: Record<string, unknown>) => boolean): Promise<Record<string, unknown>> => {
        for (let i = 0; i < 200; i++) {
          const found = frames.find(test);
          if (found) return found;
          await new Promise((r) => setTimeout(r, 25));
        }
        throw new Error('timed out waiting for a bridge frame');
      };

      ws.send(JSON.stringify({ id: 1, channel: 'patient.connect', arg: { host: '127.0.0.1', port: status.port, patientId: 'alice', group: 'ffdhe2048' } }));
      const connected = (await waitFor((f) => f['id'] === 1))['result'] as { ok: boolean; value: PatientStatus };
      expect(connected.ok).toBe(true);
      await waitFor((f) => f['event'] === 'patient.changed' && (f['payload'] as PatientStatus).state === 'admitted');

      // Fingerprints the engine shows pass the contract's fingerprint check (accept-key, approve).
      const patientStatus = value(await handleInvoke(patientMode.runtime, 'patient.status', undefined));
      expect(patientStatus.doctorFingerprint).not.toBeNull();
      expect(validateInvokeArg('patient.acceptDoctorKey', { fingerprint: patientStatus.doctorFingerprint }).ok).toBe(true);

      const receipt = value(await handleInvoke(doctor, 'doctor.broadcast', { text: 'Clinic closes at 6 pm.' }));
      expect(receipt.recipients).toEqual(['alice']);
      const message = await waitFor((f) => f['event'] === 'patient.message');
      expect(message['payload']).toMatchObject({ seq: receipt.seq, text: 'Clinic closes at 6 pm.' });

      // The doctor's UI sees the same session through its own channels.
      const snapshot = value(await handleInvoke(doctor, 'doctor.snapshot', undefined));
      expect(snapshot.patients.map((p) => p.id)).toEqual(['alice']);
      expect(await handleInvoke(doctor, 'patient.feed', undefined)).toMatchObject({ ok: false, error: { code: 'WRONG_ROLE' } });
      const csv = value(await handleInvoke(doctor, 'doctor.auditCsv', { patientId: 'alice' }));
      expect(csv.split('\r\n')[0]).toBe('seq,at_iso,kind,patient_id,address,detail');
      ws.close();
    } finally {
      await patientMode.close();
      await doctor.close();
    }
    // Nothing secret in anything the IPC layer logged.
    expect(logs.join('\n')).not.toMatch(/Clinic closes/);
  });
});

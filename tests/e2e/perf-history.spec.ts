/**
 * Issue 11, item 7, in Chromium: a doctor killed with SIGKILL never records the end of its
 * performance session. At the next start of the same data folder the history must list that
 * session as interrupted (with the figures it last saved), and the new session as the running one,
 * before and after "Refresh history".
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from './support/fixtures.js';
import { freePort } from './support/free-port.js';
import { doctorExpectAdmitted, doctorStartListening, expectRoleApp, openTab, patientConnect, patientExpectAdmitted, perfCalls } from './support/ui.js';

test('after the doctor is killed, the history shows that session as interrupted and the live one as running', async ({ apps }) => {
  test.setTimeout(120_000);
  const dataDir = mkdtempSync(join(tmpdir(), 'medchat-e2e-perf-killed-'));
  try {
    const [first, patientApp] = await Promise.all([apps.start({ label: 'doctor', role: 'doctor', dataDir }), apps.start({ label: 'alice', role: 'patient' })]);
    const [doctor, alice] = await Promise.all([apps.open(first), apps.open(patientApp)]);
    await expectRoleApp(doctor, 'doctor');
    const port = await freePort();
    const peer = { host: '127.0.0.1', port, patientId: 'alice' };
    await doctorStartListening(doctor, port);
    await patientConnect(alice, peer);
    await patientExpectAdmitted(alice, peer);
    await doctorExpectAdmitted(doctor, ['alice']);
    await openTab(doctor, 'Performance');
    await expect.poll(() => perfCalls(doctor, 'Signature Verification')).toBeGreaterThan(0);
    const verifications = await perfCalls(doctor, 'Signature Verification');
    // The figures are saved within a quarter second of a change; give it a second, then kill.
    await doctor.waitForTimeout(1_000);
    process.kill(first.pid, 'SIGKILL');
    expect(await first.stop()).toMatchObject({ signal: 'SIGKILL', forced: false });

    const again = await apps.start({ label: 'doctor-again', role: 'doctor', dataDir });
    const page = await apps.open(again);
    await expectRoleApp(page, 'doctor');
    // A performance session is a listening session: the restarted doctor resumes where it was.
    await page.getByRole('button', { name: `Resume listening on 127.0.0.1:${port}` }).click();
    await expect(page.getByRole('region', { name: 'Conference' }).getByRole('status')).toHaveText(`Listening on 127.0.0.1:${port}`);
    await openTab(page, 'Performance');
    const sessions = page.getByRole('combobox', { name: 'Session to show in full' });
    for (const refreshed of [false, true]) {
      if (refreshed) await page.getByRole('button', { name: 'Refresh history' }).click();
      const options = sessions.getByRole('option');
      await expect(options).toHaveCount(2);
      // Newest first: this run, still going; then the killed one, closed at its last save.
      await expect(options.nth(0)).toHaveText(/\(running\)$/);
      await expect(options.nth(1)).toHaveText(/ to \d{2}:\d{2} \(interrupted\)$/);
    }
    // The killed session keeps the figures it saved: its handshake's signature verifications.
    await sessions.selectOption({ index: 1 });
    const table = page.getByRole('table', { name: /^Session started/ });
    const row = table.getByRole('row').filter({ has: page.getByRole('rowheader', { name: 'Signature Verification', exact: true }) });
    await expect(row).toHaveCount(1);
    await expect(row.getByRole('cell').last()).toHaveText(String(verifications));
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});

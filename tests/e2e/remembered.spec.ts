/**
 * Things a person should not have to relearn: the patient form is filled as last submitted after
 * the app (its browser-mode process) restarts, the role chooser offers the role last used (and
 * the doctor's address comes back), and both roles list their tabs in one order.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from './support/fixtures.js';
import { freePort } from './support/free-port.js';
import { chooseRole, doctorStartListening, expectRoleApp, expectRoleChooser, patientConnect } from './support/ui.js';

test('the patient form is filled as it was last submitted, after a restart', async ({ apps }) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'medchat-e2e-remembered-'));
  try {
    const port = await freePort(); // nobody listens there: the attempt fails, and is remembered all the same
    const first = await apps.start({ label: 'zoe', role: 'patient', dataDir });
    const page = await apps.open(first);
    await expectRoleApp(page, 'patient');
    await patientConnect(page, { host: '127.0.0.1', port, patientId: 'zoe', group: 'Standard 3072-bit (stronger, slower)' });
    await expect(page.getByText(/Could not reach/).first()).toBeVisible({ timeout: 15_000 });
    await first.stop();

    const again = await apps.start({ label: 'zoe-again', role: 'patient', dataDir });
    const next = await apps.open(again);
    await expectRoleApp(next, 'patient');
    await expect(next.getByRole('textbox', { name: 'Patient ID' })).toHaveValue('zoe');
    await expect(next.getByRole('textbox', { name: 'Doctor port' })).toHaveValue(String(port));
    await expect(next.getByRole('textbox', { name: 'Doctor host' })).toHaveValue('127.0.0.1');
    await expect(next.getByRole('combobox', { name: 'Group' })).toHaveValue('ffdhe3072');
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test("the role chooser offers the role last used, and the doctor's address comes back with it, after a restart", async ({ apps }) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'medchat-e2e-remembered-role-'));
  try {
    const first = await apps.start({ label: 'doc', dataDir });
    const page = await apps.open(first);
    await expectRoleChooser(page);
    // A first start: no role is marked as last used.
    await expect(page.getByText('Last used on this computer')).toHaveCount(0);
    await chooseRole(page, 'doctor');
    const port = await freePort();
    await doctorStartListening(page, port);
    await first.stop();

    const again = await apps.start({ label: 'doc-again', dataDir });
    const next = await apps.open(again);
    await expectRoleChooser(next);
    const doctor = next.getByRole('button', { name: 'Doctor — run a conference' });
    await expect(doctor).toBeFocused();
    await expect(doctor).toContainText('Last used on this computer');
    await expect(doctor).toHaveAccessibleDescription(/^Last used on this computer\. Listen for patients/);
    await next.keyboard.press('Enter');
    await expectRoleApp(next, 'doctor');
    await expect(next.getByRole('button', { name: `Resume listening on 127.0.0.1:${port}` })).toBeVisible();
    await expect(next.getByRole('textbox', { name: 'Port', exact: true })).toHaveValue(String(port));
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test('both roles list their tabs in one order: Conference, Audit log, Performance', async ({ apps }) => {
  const [doctorApp, patientApp] = await Promise.all([apps.start({ label: 'doctor', role: 'doctor' }), apps.start({ label: 'pat', role: 'patient' })]);
  for (const [app, role] of [
    [doctorApp, 'doctor'],
    [patientApp, 'patient'],
  ] as const) {
    const page = await apps.open(app);
    await expectRoleApp(page, role);
    await expect(page.getByRole('tab')).toHaveText(['Conference', 'Audit log', 'Performance']);
  }
});

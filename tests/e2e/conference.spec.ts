/**
 * The whole conference through the UI: a doctor and two patients, each a separate browser-mode
 * process (its own data directory, its own engine, real TCP between them), each driven in its own
 * browser context. Writes screenshots of each role (see SCREENSHOT_DIR in support/paths.ts).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator, Page } from '@playwright/test';
import { expect, test } from './support/fixtures.js';
import { freePort } from './support/free-port.js';
import { SCREENSHOT_DIR } from './support/paths.js';
import {
  auditExpectKinds,
  chooseRole,
  collectErrors,
  blockedPanel,
  doctorBlock,
  doctorBroadcast,
  doctorExpectAdmitted,
  doctorExpectBlocked,
  doctorStartListening,
  doctorVerifyChain,
  expectCountdownRunning,
  expectRoleApp,
  expectRoleChooser,
  messageFeed,
  openTab,
  patientConnect,
  patientExpectAdmitted,
  patientExpectBlocked,
  patientsPanel,
  perfCalls,
} from './support/ui.js';

/** A screenshot for the README, without a hover highlight left on the last control clicked. */
async function shot(page: Page, name: string): Promise<void> {
  await page.mouse.move(1, (page.viewportSize()?.height ?? 600) - 1);
  await page.screenshot({ path: join(SCREENSHOT_DIR, name) });
}

test('a doctor and two patients in three processes: admit, broadcast, block, audit, performance', async ({ apps }) => {
  // Three processes in parallel; the doctor has its role from the command line, the patients choose in the UI.
  const [doctorApp, aliceApp, bobApp] = await Promise.all([
    apps.start({ label: 'doctor', role: 'doctor' }),
    apps.start({ label: 'alice' }),
    apps.start({ label: 'bob' }),
  ]);
  expect(new Set([doctorApp.pid, aliceApp.pid, bobApp.pid]).size).toBe(3);
  expect(new Set([doctorApp.port, aliceApp.port, bobApp.port]).size).toBe(3);

  const [doctor, alice, bob] = await Promise.all([apps.open(doctorApp), apps.open(aliceApp), apps.open(bobApp)]);
  const errors = [doctor, alice, bob].map(collectErrors);
  const conferencePort = await freePort();
  const alicePeer = { host: '127.0.0.1', port: conferencePort, patientId: 'alice' };
  const bobPeer = { host: '127.0.0.1', port: conferencePort, patientId: 'bob' };

  await test.step('roles: the doctor starts as doctor, the patients choose in the role chooser', async () => {
    await expectRoleApp(doctor, 'doctor');
    // The token leaves the address bar once the page has it.
    expect(new URL(doctor.url()).searchParams.has('token')).toBe(false);
    await expectRoleChooser(alice);
    await expectRoleChooser(bob);
    await shot(alice, 'role-chooser.png');
    await chooseRole(alice, 'patient');
    await chooseRole(bob, 'patient');
  });

  const doctorOwn = doctor.getByRole('region', { name: 'Admission and keys' }).getByRole('listitem').filter({ hasText: 'ffdhe2048' }).getByRole('code');
  let doctorFingerprint = '';
  await test.step("the doctor's fingerprints can be read out before anyone joins; the doctor listens on a free port", async () => {
    // Made at the first start, one per standard group, smallest first.
    await expect(doctor.getByRole('region', { name: 'Admission and keys' }).locator('.fp-group')).toHaveText([/^ffdhe2048/, /^ffdhe3072/, /^ffdhe4096/]);
    doctorFingerprint = (await doctorOwn.textContent()) ?? '';
    expect(doctorFingerprint).toMatch(/^\d{5}( \d{5}){5}$/);
    await doctorStartListening(doctor, conferencePort);
    await expect(patientsPanel(doctor)).toContainText('No patient is connected yet.');
  });

  await test.step('both patients connect; every handshake step completes; the doctor shows both admitted', async () => {
    await patientConnect(alice, alicePeer);
    await patientConnect(bob, bobPeer);
    await patientExpectAdmitted(alice, alicePeer);
    await patientExpectAdmitted(bob, bobPeer);
    await doctorExpectAdmitted(doctor, ['alice', 'bob']);
    // The safety numbers match across processes: what the doctor reads aloud is what alice pinned,
    // and the key alice shows as hers is the one the doctor's table lists for her.
    await expect(alice.getByText('First visit')).toBeVisible();
    const aliceKeys = alice.getByRole('region', { name: 'Identity check' }).getByRole('code');
    await expect(aliceKeys).toHaveCount(2);
    // The number read out before the conference is the one alice pinned.
    await expect(doctorOwn).toHaveText(doctorFingerprint);
    await expect(aliceKeys.nth(0)).toHaveText(doctorFingerprint);
    const aliceRow = patientsPanel(doctor).getByRole('row').filter({ hasText: 'alice' });
    await expect(aliceRow.getByRole('code')).toHaveText((await aliceKeys.nth(1).textContent()) ?? '');
  });

  const message = 'Good morning. Please take your 5 mg dose at 09:00 and note your blood pressure before lunch.';
  await test.step('the doctor broadcasts; both patients read it decrypted; "Delivered to 2 of 2"', async () => {
    await doctorBroadcast(doctor, message, { delivered: 2, of: 2 });
    await expect(messageFeed(alice)).toContainText(message);
    await expect(messageFeed(bob)).toContainText(message);
    await expect(patientsPanel(doctor).getByRole('row').filter({ hasText: 'alice' })).toContainText('#1');
    await shot(alice, 'patient-admitted.png');
  });

  await test.step('at 800x600 and at 1280x800 the working panels start above the fold for both roles', async () => {
    const top = async (target: Locator): Promise<number> => (await target.boundingBox())?.y ?? Number.POSITIVE_INFINITY;
    const original = doctor.viewportSize();
    for (const size of [{ width: 800, height: 600 }, { width: 1280, height: 800 }]) {
      for (const page of [doctor, alice]) await page.setViewportSize(size);
      const fold = size.height;
      // The doctor: the patients' rows and the message box, not settings, come first.
      expect(await top(patientsPanel(doctor).getByRole('row').filter({ hasText: 'alice' }))).toBeLessThan(fold);
      expect(await top(doctor.getByRole('textbox', { name: 'Message to all admitted patients' }))).toBeLessThan(fold);
      // The patient: the message itself.
      expect(await top(messageFeed(alice).getByText(message))).toBeLessThan(fold);
      await shot(doctor, `doctor-${size.width}x${size.height}.png`);
      await shot(alice, `patient-${size.width}x${size.height}.png`);
    }
    if (original) for (const page of [doctor, alice]) await page.setViewportSize(original);
  });

  await test.step('the composer shows the size limit while typing; right-to-left text keeps its direction', async () => {
    const box = doctor.getByRole('textbox', { name: 'Message to all admitted patients' });
    await box.fill('x'.repeat(8001));
    await expect(doctor.getByText('8,001 characters: 1 over the limit of 8,000. Shorten it or send it in parts.')).toBeVisible();
    await expect(doctor.getByRole('button', { name: 'Send', exact: true })).toBeDisabled();
    await box.fill('');
    const hebrew = 'שלום, מה שלומך היום?';
    await doctorBroadcast(doctor, hebrew, { delivered: 2, of: 2 });
    await expect(messageFeed(alice).getByText(hebrew)).toHaveAttribute('dir', 'auto');
  });

  await test.step('the doctor blocks bob for 2 minutes: bob sees the banner and a live countdown', async () => {
    // A double click on Block only asks; Cancel leaves bob admitted, and so does Escape, which
    // gives the focus back to "Block bob…".
    const opener = doctor.getByRole('button', { name: 'Block bob…', exact: true });
    const question = doctor.getByRole('form', { name: 'Block bob', exact: true });
    await opener.dblclick();
    await expect(question.getByRole('button', { name: 'Yes, block bob', exact: true })).toBeVisible();
    await question.getByRole('button', { name: 'Cancel' }).click();
    await expect(question).toHaveCount(0);
    await expect(opener).toBeFocused();
    await opener.click();
    await expect(question.getByRole('combobox', { name: 'Block bob for' })).toBeFocused();
    await doctor.keyboard.press('Escape');
    await expect(question).toHaveCount(0);
    await expect(opener).toBeFocused();
    await doctorExpectAdmitted(doctor, ['alice', 'bob']);
    // One control per patient: alice's row holds "Block alice…" and nothing else to tab through.
    await expect(patientsPanel(doctor).getByRole('row').filter({ hasText: 'alice' }).getByRole('combobox')).toHaveCount(0);
    const note = 'missed two video calls';
    await doctorBlock(doctor, 'bob', 2, note);
    // bob's row is gone; the Patients heading has the focus, not the body.
    await expect(patientsPanel(doctor).getByRole('heading', { name: 'Patients' })).toBeFocused();
    const timer = await patientExpectBlocked(bob);
    await expectCountdownRunning(timer, 2100, 120);
    // The doctor's block list: bob, with Unblock and a countdown under 2 minutes.
    const before = await doctorExpectBlocked(doctor, 'bob', 120);
    await expect.poll(async () => doctorExpectBlocked(doctor, 'bob', 120), { timeout: 5000 }).toBeLessThan(before);
    await doctorExpectAdmitted(doctor, ['alice']);
    await expect(messageFeed(alice)).toContainText(message);
    // The note is the doctor's: in the block list, and nowhere on bob's screen.
    await expect(blockedPanel(doctor).getByRole('listitem').filter({ hasText: 'bob' })).toContainText(`your note: ${note}`);
    await expect(bob.locator('body')).not.toContainText(note);
    await shot(bob, 'patient-blocked.png');
    await shot(doctor, 'doctor-conference.png');
  });

  await test.step('the doctor audit log has the conference and its hash chain verifies', async () => {
    await openTab(doctor, 'Audit log');
    await auditExpectKinds(doctor, ['listen', 'join', 'admitted', 'broadcast', 'blocked']);
    const panel = doctor.getByRole('tabpanel', { name: 'Audit log' });
    // Without pressing anything, the chain badge covers the rows that arrived while the tab was hidden.
    const counts = async (): Promise<[number, number]> => {
      const badge = /Chain verified and sealed: (\d+) rows/.exec((await panel.getByRole('status').first().textContent()) ?? '');
      const caption = /^(\d+) entries/.exec((await panel.getByRole('table').locator('caption').textContent()) ?? '');
      return [Number(badge?.[1] ?? -1), Number(caption?.[1] ?? -2)];
    };
    await expect
      .poll(async () => {
        const [badge, caption] = await counts();
        return badge === caption && badge >= 8;
      })
      .toBe(true);
    // Filtering by kind narrows to bob's block.
    await panel.getByRole('combobox', { name: 'Kind' }).selectOption('blocked');
    await expect(panel.getByRole('table').getByRole('row')).toHaveCount(2);
    await expect(panel.getByRole('table')).toContainText('bob');
    await panel.getByRole('combobox', { name: 'Kind' }).selectOption('');
    // Part of the id, in any case, is enough.
    await panel.getByRole('textbox', { name: 'Patient' }).fill('ALI');
    await expect(panel.getByRole('table').getByRole('cell', { name: 'bob', exact: true })).toHaveCount(0);
    await expect(panel.getByRole('table').getByRole('cell', { name: 'alice', exact: true }).first()).toBeVisible();
    await panel.getByRole('textbox', { name: 'Patient' }).fill('');
    const rows = await doctorVerifyChain(doctor);
    expect(rows).toBeGreaterThanOrEqual(8);
    // The badge speaks for every row shown: "Chain verified and sealed: N rows" above "N entries".
    await expect(panel.getByRole('table')).toHaveAccessibleName(`${rows} entries, newest first`);
    // The checkpoint export: a JSON file naming the newest row, sealed with the folder's key.
    const download = doctor.waitForEvent('download');
    await panel.getByRole('button', { name: 'Export checkpoint' }).click();
    const file = await download;
    expect(file.suggestedFilename()).toMatch(/^medchat-audit-checkpoint-\d{8}-\d{4}\.json$/);
    const checkpoint = JSON.parse(readFileSync((await file.path())!, 'utf8')) as { format: string; seq: number; seal: string };
    expect(checkpoint).toMatchObject({ format: 'medchat-audit-checkpoint/1', seal: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(checkpoint.seq).toBeGreaterThanOrEqual(rows);
    await expect(panel.getByText(/^Saved medchat-audit-checkpoint-.*Keep it off this computer/)).toBeVisible();
    await shot(doctor, 'doctor-audit.png');
  });

  await test.step("each patient's own audit log has its session, without pressing Refresh", async () => {
    await openTab(alice, 'Audit log');
    await auditExpectKinds(alice, ['connect', 'doctor-pinned', 'admitted', 'message']);
    await openTab(bob, 'Audit log');
    await auditExpectKinds(bob, ['connect', 'admitted', 'message', 'blocked']);
    await openTab(bob, 'Conference');
  });

  await test.step('performance: the doctor measured signature verifications; each patient its own table', async () => {
    await openTab(doctor, 'Performance');
    await expect.poll(() => perfCalls(doctor, 'Signature Verification')).toBeGreaterThan(0);
    await expect.poll(() => perfCalls(doctor, 'AES Encryption')).toBeGreaterThan(0);
    await doctor.getByRole('button', { name: 'Refresh history' }).click();
    await expect(doctor.getByRole('img', { name: /time per session/ })).toBeVisible();
    await shot(doctor, 'doctor-performance.png');

    await openTab(alice, 'Performance');
    await expect.poll(() => perfCalls(alice, 'Signature Verification')).toBeGreaterThan(0);
    await expect.poll(() => perfCalls(alice, 'AES Decryption')).toBeGreaterThan(0);
  });

  await test.step('the doctor unblocks bob before the block ends: bob tries again at once and is admitted', async () => {
    await openTab(doctor, 'Conference');
    await blockedPanel(doctor).getByRole('button', { name: 'Unblock bob' }).click();
    await expect(blockedPanel(doctor).getByText('bob')).toHaveCount(0);
    await expect(bob.getByText(/or sooner if the doctor lifts the block/)).toBeVisible();
    await bob.getByRole('button', { name: 'Try again', exact: true }).click();
    await expect(bob.getByRole('button', { name: 'Leave conference' })).toBeVisible({ timeout: 20_000 });
    await doctorExpectAdmitted(doctor, ['alice', 'bob']);
  });

  expect(errors.flat()).toEqual([]);
});

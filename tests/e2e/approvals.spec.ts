/**
 * The doctor's approval cards in the UI (issue 7, items 7 and 8): a pinned id presenting another
 * key is shown as a key change, with the pinned and the presented fingerprints, not as a
 * newcomer; a look-alike id is held with a warning under trust on first use. Each patient is a
 * browser-mode process of its own, with its own data directory (so its own key).
 */
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { expect, test } from './support/fixtures.js';
import { freePort } from './support/free-port.js';
import { SCREENSHOT_DIR } from './support/paths.js';
import { doctorExpectAdmitted, doctorStartListening, patientConnect, patientExpectAdmitted } from './support/ui.js';

async function shot(page: Page, name: string): Promise<void> {
  await page.mouse.move(1, (page.viewportSize()?.height ?? 600) - 1);
  await page.screenshot({ path: join(SCREENSHOT_DIR, name), fullPage: true });
}

function approvals(page: Page) {
  return page.getByRole('region', { name: /Waiting for your approval/ });
}

/** The patient's own key, as its Identity check panel shows it (after the doctor's, if any). */
async function ownFingerprint(page: Page): Promise<string> {
  const own = page.getByRole('region', { name: 'Identity check' }).getByRole('code').last();
  await expect(own).toHaveText(/^\d{5}( \d{5}){5}$/);
  return (await own.textContent()) ?? '';
}

test('a key change and a look-alike id get cards that say so; accepting the new key ends the old session', async ({ apps }) => {
  const [doctorApp, aliceApp, deviceApp, lookApp] = await Promise.all([
    apps.start({ label: 'doctor', role: 'doctor' }),
    apps.start({ label: 'alice', role: 'patient' }),
    apps.start({ label: 'alice-new-device', role: 'patient' }),
    apps.start({ label: 'look-alike', role: 'patient' }),
  ]);
  const [doctor, alice, device, look] = await Promise.all([apps.open(doctorApp), apps.open(aliceApp), apps.open(deviceApp), apps.open(lookApp)]);
  const port = await freePort();
  const peer = { host: '127.0.0.1', port, patientId: 'alice' };
  await doctorStartListening(doctor, port);

  await patientConnect(alice, peer);
  await patientExpectAdmitted(alice, peer);
  await doctorExpectAdmitted(doctor, ['alice']);
  const pinned = await ownFingerprint(alice);

  await test.step('alice on a new device: refused, and the doctor sees a key change, not a newcomer', async () => {
    await patientConnect(device, peer);
    await expect(device.getByText(/the doctor has been asked to accept the new key/)).toBeVisible({ timeout: 20_000 });
    const presented = await ownFingerprint(device);
    expect(presented).not.toBe(pinned);
    const card = approvals(doctor).getByRole('listitem').filter({ has: doctor.getByRole('heading', { name: /Key change for alice/ }) });
    await expect(card).toHaveCount(1);
    await expect(card).toContainText('possible impersonation');
    await expect(card).toContainText(/Pinned key \(since/);
    await expect(card).toContainText(pinned);
    await expect(card).toContainText(presented);
    await expect(card).toContainText('127.0.0.1:');
    await expect(card.getByRole('button', { name: 'Accept new key for alice' })).toBeVisible();
    // alice herself is untouched.
    await doctorExpectAdmitted(doctor, ['alice']);
  });

  await test.step('aIice (capital I) is held with a look-alike warning under trust on first use', async () => {
    await patientConnect(look, { ...peer, patientId: 'aIice' });
    // (What the waiting patient sees is issue 12's "mute waiting room".)
    const card = approvals(doctor).getByRole('listitem').filter({ has: doctor.getByRole('heading', { name: /Look-alike id/ }) });
    await expect(card).toHaveCount(1, { timeout: 20_000 });
    await expect(card.getByRole('heading')).toContainText('aIice looks like alice');
    await expect(card).toContainText('U+0049');
    await shot(doctor, 'doctor-approvals.png');
  });

  await test.step('the doctor accepts the new key: the new device is admitted, the old session ends', async () => {
    await approvals(doctor).getByRole('button', { name: 'Accept new key for alice' }).click();
    // The decided card is gone; the focus is on the next card's first button, not the page's top.
    const lookCard = approvals(doctor).getByRole('listitem').filter({ has: doctor.getByRole('heading', { name: /Look-alike id/ }) });
    await expect(lookCard.getByRole('button').first()).toBeFocused();
    await patientConnect(device, peer);
    await patientExpectAdmitted(device, peer);
    // The banner on the conference tab (the audit tab, kept in the page, has the same sentence in a row).
    await expect(alice.getByRole('tabpanel', { name: 'Conference' }).getByText(/now uses a new key that the doctor accepted/)).toBeVisible({ timeout: 20_000 });
    await approvals(doctor).getByRole('button', { name: 'Reject aIice' }).click();
    await expect(look.getByRole('tabpanel', { name: 'Conference' }).getByText(/declined/)).toBeVisible({ timeout: 20_000 });
    // None left: the Patients heading has the focus.
    await expect(approvals(doctor)).toHaveCount(0);
    await expect(doctor.getByRole('heading', { name: 'Patients' })).toBeFocused();
  });
});

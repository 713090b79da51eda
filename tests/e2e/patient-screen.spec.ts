/**
 * The patient's screen as a person meets it (issue 11): a group the patient made is kept and
 * chosen again, the join form says what is wrong on the field at fault, one error at a time, and
 * the messages take the room, opening at the newest. Doctor and patients are separate
 * browser-mode processes with real TCP between them.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { expect, test } from './support/fixtures.js';
import { freePort } from './support/free-port.js';
import { doctorBroadcast, doctorStartListening, messageFeed, patientConnect, patientExpectAdmitted } from './support/ui.js';

const SMALL = { width: 800, height: 600 };

async function ownNumber(page: Page): Promise<string> {
  const own = page.getByRole('region', { name: 'Identity check' }).getByRole('code').last();
  await expect(own).toHaveText(/^\d{5}( \d{5}){5}$/);
  return (await own.textContent()) ?? '';
}

test('a group the patient made is kept: after Leave and after a restart it is chosen again, and the doctor admits the same key', async ({ apps }) => {
  test.setTimeout(180_000);
  const dataDir = mkdtempSync(join(tmpdir(), 'medchat-e2e-saved-group-'));
  try {
    const doctorApp = await apps.start({ label: 'doctor', role: 'doctor' });
    const doctor = await apps.open(doctorApp);
    const port = await freePort();
    await doctorStartListening(doctor, port);
    const zoePeer = { host: '127.0.0.1', port, patientId: 'zoe' };

    const first = await apps.start({ label: 'zoe', role: 'patient', dataDir });
    const zoe = await apps.open(first);
    await patientConnect(zoe, { ...zoePeer, group: 'Make a new 2048-bit group (a few seconds)' });
    // Generating a safe prime takes seconds to a minute on a busy machine.
    await expect(zoe.locator('.session-status')).toContainText('Admitted.', { timeout: 120_000 });
    await patientExpectAdmitted(zoe, zoePeer);
    const key = await ownNumber(zoe);

    await zoe.getByRole('button', { name: 'Leave conference' }).click();
    const group = zoe.getByRole('combobox', { name: 'Group' });
    await expect(group).toHaveValue(/^saved:[0-9a-f]{32}$/);
    const saved = await group.inputValue();
    await expect(group.locator('option:checked')).toHaveText(/^My 2048-bit group, made \d{4}-\d{2}-\d{2} \d{2}:\d{2}$/);
    // The same key in the same group: the doctor, who pinned it at the first visit, admits zoe again.
    await zoe.getByRole('button', { name: 'Connect', exact: true }).click();
    await patientExpectAdmitted(zoe, zoePeer);
    expect(await ownNumber(zoe)).toBe(key);
    await first.stop();

    const again = await apps.start({ label: 'zoe-again', role: 'patient', dataDir });
    const next = await apps.open(again);
    await expect(next.getByRole('combobox', { name: 'Group' })).toHaveValue(saved);
    await next.getByRole('button', { name: 'Connect', exact: true }).click();
    await patientExpectAdmitted(next, zoePeer);
    expect(await ownNumber(next)).toBe(key);
    await expect(doctor.getByRole('region', { name: 'Patients' })).toContainText('1 connected, 1 admitted');
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test('the join form marks the field at fault in words, moves the focus there, and shows one error at a time', async ({ apps }) => {
  const app = await apps.start({ label: 'bob', role: 'patient' });
  const page = await apps.open(app);
  const host = page.getByRole('textbox', { name: 'Doctor host' });
  const port = page.getByRole('textbox', { name: 'Doctor port' });
  const id = page.getByRole('textbox', { name: 'Patient ID' });
  const banner = page.locator('.session-status');
  const connect = page.getByRole('button', { name: 'Connect', exact: true });

  await host.fill('http://127.0.0.1');
  await port.fill('70000');
  await id.fill('bob smith');
  await connect.click();
  await expect(host).toBeFocused();
  await expect(host).toHaveAttribute('aria-invalid', 'true');
  await expect(host).toHaveAccessibleDescription(/Leave out "http:\/\/"/);
  await expect(port).toHaveAccessibleDescription('The port is a whole number from 1 to 65535, for example 5050.');
  await expect(id).toHaveAccessibleDescription('A patient ID has no spaces.');
  await expect(banner).toContainText('Not connected.'); // nothing was sent

  // Fixing a field clears its error as the person types; the others stay until they are fixed.
  await host.fill('127.0.0.1');
  await expect(host).not.toHaveAttribute('aria-invalid', 'true');
  await expect(id).toHaveAttribute('aria-invalid', 'true');
  await port.fill('127.0.0.1:5050');
  await expect(port).toHaveAccessibleDescription(/whole number/);

  // A connection that fails: nobody listens on that port.
  await port.fill(String(await freePort()));
  await id.fill('bob');
  await connect.click();
  await expect(banner).toContainText('nothing is listening there', { timeout: 15_000 });
  await page.getByRole('button', { name: 'Stop reconnecting' }).click();
  await expect(banner).toContainText('You stopped reconnecting');
  // A new mistake: its own error on its field, and the old one is no longer shown beside it.
  await id.fill('bob smith');
  await connect.click();
  await expect(id).toBeFocused();
  await expect(id).toHaveAccessibleDescription('A patient ID has no spaces.');
  await expect(banner).not.toContainText('nothing is listening there');
  await expect(page.getByRole('alert').filter({ hasText: /\S/ })).toHaveCount(0);
});

test('at 800x600 the messages are above the fold and open at the newest, showing the start of a long one', async ({ apps }) => {
  const [doctorApp, patientApp] = await Promise.all([apps.start({ label: 'doctor', role: 'doctor' }), apps.start({ label: 'ann', role: 'patient' })]);
  const [doctor, ann] = await Promise.all([apps.open(doctorApp), apps.open(patientApp, { viewport: SMALL })]);
  const port = await freePort();
  await doctorStartListening(doctor, port);
  const peer = { host: '127.0.0.1', port, patientId: 'ann' };
  await patientConnect(ann, peer);
  await patientExpectAdmitted(ann, peer);

  for (let i = 1; i <= 6; i++) await doctorBroadcast(doctor, `Note ${i}: ${'Take one tablet with water after each meal. '.repeat(3)}`, { delivered: 1, of: 1 });
  const long = `Long note: ${'Measure your blood pressure twice a day and write both values down. '.repeat(30)}`;
  await doctorBroadcast(doctor, long, { delivered: 1, of: 1 });

  const feed = messageFeed(ann);
  const newest = feed.getByRole('listitem').last();
  await expect(newest).toContainText('Long note:');
  const box = (await feed.boundingBox())!;
  expect(box.y, 'the feed starts above the fold').toBeLessThan(SMALL.height - 150);
  expect(box.y + box.height, 'the feed ends within the window').toBeLessThanOrEqual(SMALL.height);
  // The long message is taller than the box: its first line is shown, not its end.
  await expect.poll(async () => (await newest.boundingBox())!.y - box.y).toBeGreaterThanOrEqual(0);
  expect((await newest.boundingBox())!.y - box.y).toBeLessThan(40);
  expect((await newest.boundingBox())!.height).toBeGreaterThan(box.height);

  // Reading an older message: a new one does not pull the box away; a button offers it instead.
  await feed.evaluate((el) => (el.scrollTop = 0));
  await doctorBroadcast(doctor, 'Note 8: see you tomorrow.', { delivered: 1, of: 1 });
  const jump = ann.getByRole('button', { name: '1 new message: show' });
  await expect(jump).toBeVisible();
  expect(await feed.evaluate((el) => el.scrollTop)).toBe(0);
  await jump.click();
  await expect(jump).toHaveCount(0);
  await expect(feed.getByRole('listitem').last()).toBeInViewport();
});

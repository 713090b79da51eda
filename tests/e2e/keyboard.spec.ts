/**
 * The main flows of both roles by keyboard alone: Tab, Shift+Tab, Enter, Escape, arrows and typing,
 * never a click or a locator's fill. The doctor listens (a port in use is marked on the Port field,
 * which takes the focus), the patient joins, the doctor skips past the patients' rows to the
 * message box and sends, the patient leaves and joins again, the doctor blocks with a note and
 * unblocks, and the patient tries again. Every control on the way must be reachable in Tab order
 * and keep the focus somewhere useful when the element that had it goes away.
 */
import { createServer, type Server } from 'node:net';
import type { Locator, Page } from '@playwright/test';
import { expect, test } from './support/fixtures.js';
import { freePort } from './support/free-port.js';
import { blockedPanel, collectErrors, doctorExpectAdmitted, expectRoleApp, messageFeed, patientExpectAdmitted, patientsPanel } from './support/ui.js';

const isFocused = (target: Locator): Promise<boolean> => target.evaluate((el) => el === document.activeElement);

/** Presses Tab (or Shift+Tab) until `target` has the focus; fails after `max` presses. Returns how many it took. */
async function tabTo(page: Page, target: Locator, { back = false, max = 60 } = {}): Promise<number> {
  for (let presses = 0; presses <= max; presses++) {
    if (await isFocused(target)) return presses;
    await page.keyboard.press(back ? 'Shift+Tab' : 'Tab');
  }
  throw new Error(`${target.toString()} not reached in ${max} presses of ${back ? 'Shift+Tab' : 'Tab'}`);
}

/** Replaces the focused field's text as a person would: select all, then type. */
async function retype(page: Page, text: string): Promise<void> {
  await page.keyboard.press('ControlOrMeta+a');
  await page.keyboard.type(text);
}

async function occupiedPort(): Promise<{ port: number; server: Server }> {
  const server = createServer();
  await new Promise<void>((resolveListen) => server.listen(0, '127.0.0.1', resolveListen));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('no port');
  return { port: address.port, server };
}

test('doctor and patient by keyboard only: listen, join, send, leave, block with a note, unblock, try again', async ({ apps }) => {
  test.setTimeout(150_000);
  const [doctorApp, patientApp] = await Promise.all([apps.start({ label: 'doctor', role: 'doctor' }), apps.start({ label: 'alice', role: 'patient' })]);
  const [doctor, alice] = await Promise.all([apps.open(doctorApp), apps.open(patientApp)]);
  const errors = [doctor, alice].map(collectErrors);
  await expectRoleApp(doctor, 'doctor');
  await expectRoleApp(alice, 'patient');
  const port = await freePort();
  const peer = { host: '127.0.0.1', port, patientId: 'alice' };
  const portField = doctor.getByRole('textbox', { name: 'Port', exact: true });

  await test.step('the doctor listens; a port in use is marked on the Port field, which takes the focus', async () => {
    const busy = await occupiedPort();
    try {
      await tabTo(doctor, doctor.getByRole('textbox', { name: 'Host', exact: true }));
      await retype(doctor, '127.0.0.1');
      await doctor.keyboard.press('Tab');
      await expect(portField).toBeFocused();
      await retype(doctor, String(busy.port));
      await doctor.keyboard.press('Enter');
      await expect(portField).toHaveAttribute('aria-invalid', 'true');
      await expect(portField).toHaveAccessibleDescription(/already uses this port; choose another port/);
      await expect(portField).toBeFocused();
    } finally {
      busy.server.close();
    }
    // Changing the port clears the mark; Enter starts listening.
    await retype(doctor, String(port));
    await expect(portField).not.toHaveAttribute('aria-invalid', 'true');
    await doctor.keyboard.press('Enter');
    await expect(doctor.getByRole('region', { name: 'Conference' }).getByRole('status')).toHaveText(`Listening on 127.0.0.1:${port}`);
  });

  await test.step('the patient joins by keyboard', async () => {
    await tabTo(alice, alice.getByRole('textbox', { name: 'Doctor host' }));
    await retype(alice, peer.host);
    await alice.keyboard.press('Tab');
    await retype(alice, String(port));
    await alice.keyboard.press('Tab');
    await retype(alice, 'alice');
    await alice.keyboard.press('Enter');
    await patientExpectAdmitted(alice, peer);
    await doctorExpectAdmitted(doctor, ['alice']);
  });

  const message = 'Typed without a mouse: take the evening dose at 20:00.';
  await test.step('the doctor skips the patients rows to the message box and sends with Ctrl+Enter', async () => {
    const skip = patientsPanel(doctor).getByRole('link', { name: 'Skip to the message box' });
    await tabTo(doctor, skip);
    await expect(skip).toBeVisible(); // shown while it has the focus
    await doctor.keyboard.press('Enter');
    const box = doctor.getByRole('textbox', { name: 'Message to all admitted patients' });
    await expect(box).toBeFocused();
    await doctor.keyboard.type(message);
    await doctor.keyboard.press('Control+Enter');
    await expect(box).toHaveValue('');
    await expect(messageFeed(alice)).toContainText(message);
  });

  await test.step('the patient leaves and joins again, by keyboard', async () => {
    await tabTo(alice, alice.getByRole('button', { name: 'Leave conference' }));
    await alice.keyboard.press('Enter');
    const connect = alice.getByRole('button', { name: 'Connect', exact: true });
    await expect(connect).toBeVisible();
    // The form kept what was typed; Tab reaches Connect and Enter joins.
    await expect(alice.getByRole('textbox', { name: 'Patient ID' })).toHaveValue('alice');
    await tabTo(alice, connect);
    await alice.keyboard.press('Enter');
    await patientExpectAdmitted(alice, peer);
    await doctorExpectAdmitted(doctor, ['alice']);
  });

  await test.step('the doctor blocks alice with a note: Escape backs out, arrows choose the time, Enter blocks', async () => {
    const opener = doctor.getByRole('button', { name: 'Block alice…', exact: true });
    await tabTo(doctor, opener, { back: true });
    await doctor.keyboard.press('Enter');
    const duration = doctor.getByRole('combobox', { name: 'Block alice for' });
    await expect(duration).toBeFocused();
    await doctor.keyboard.press('Escape');
    await expect(opener).toBeFocused();
    await doctor.keyboard.press('Enter');
    await expect(duration).toHaveValue('10');
    await doctor.keyboard.press('ArrowDown');
    await expect(duration).toHaveValue('30');
    await doctor.keyboard.press('Tab');
    await expect(doctor.getByRole('textbox', { name: 'Note (optional)' })).toBeFocused();
    await doctor.keyboard.type('keyboard-only check');
    await doctor.keyboard.press('Enter');
    await expect(patientsPanel(doctor).getByRole('heading', { name: 'Patients' })).toBeFocused();
    await expect(blockedPanel(doctor).getByRole('listitem').filter({ hasText: 'alice' })).toContainText('your note: keyboard-only check');
    await expect(alice.getByText('You are blocked from this conference.')).toBeVisible({ timeout: 15_000 });
    await expect(alice.getByText(/blocked you for 30 min/)).toBeVisible();
  });

  await test.step('the doctor unblocks by keyboard and the patient tries again at once', async () => {
    const unblock = blockedPanel(doctor).getByRole('button', { name: 'Unblock alice', exact: true });
    await tabTo(doctor, unblock);
    await doctor.keyboard.press('Enter');
    await expect(blockedPanel(doctor)).toContainText('No one is blocked.');
    const retry = alice.getByRole('button', { name: 'Try again', exact: true });
    await tabTo(alice, retry);
    await alice.keyboard.press('Enter');
    await patientExpectAdmitted(alice, peer);
    await doctorExpectAdmitted(doctor, ['alice']);
  });

  expect(errors.flat()).toEqual([]);
});

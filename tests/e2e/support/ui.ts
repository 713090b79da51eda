/**
 * The scenario's steps as a person performs them, by accessible names only (roles, labels, button
 * names), so they read like the UI and fail when a control loses its name. The same steps drive the
 * browser mode (tests/e2e) and the desktop app (tests/e2e-electron): both load the one renderer.
 */
import { expect, type Locator, type Page } from '@playwright/test';

export type Role = 'doctor' | 'patient';

export const ROLE_BUTTON: Record<Role, string> = {
  doctor: 'Doctor — run a conference',
  patient: 'Patient — join a conference',
};

/** The handshake's steps in the patient's Connection details: plain words, then the protocol's. */
export const HANDSHAKE_STEPS = [
  ['Reach the doctor', 'TCP connection'],
  ['Introduce yourself', 'Hello (opcode 5)'],
  ['Send a secret for this session', 'Key exchange (opcode 10)'],
  ['The doctor proves who they are', 'Session token (opcode 20)'],
  ['Confirm the session key', 'Verifier'],
  ['Admitted', 'Group key received (opcode 30)'],
] as const;

/** Opens the patient's Connection details (closed by default: plain words first). */
export async function openConnectionDetails(page: Page): Promise<void> {
  const details = page.locator('details', { has: page.getByText('Connection details') });
  if (!(await details.evaluate((el) => (el as HTMLDetailsElement).open))) await details.locator('summary').click();
}

/** "01:58" -> 118 seconds. */
export function parseCountdown(text: string | null): number {
  const match = /^\s*(\d{2,}):([0-5]\d)\s*$/.exec(text ?? '');
  if (!match) throw new Error(`not a mm:ss countdown: ${JSON.stringify(text)}`);
  return Number(match[1]) * 60 + Number(match[2]);
}

/** Page errors and console errors, to assert a scenario ran clean. */
export function collectErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console.error: ${message.text()}`);
  });
  return errors;
}

export async function expectRoleChooser(page: Page): Promise<void> {
  await expect(page.getByRole('heading', { name: 'How will you use MedChatSecure on this computer?' })).toBeVisible();
  await expect(page.getByRole('button', { name: ROLE_BUTTON.doctor, exact: true })).toBeEnabled();
  await expect(page.getByRole('button', { name: ROLE_BUTTON.patient, exact: true })).toBeEnabled();
}

export async function chooseRole(page: Page, role: Role): Promise<void> {
  await page.getByRole('button', { name: ROLE_BUTTON[role], exact: true }).click();
  await expectRoleApp(page, role);
}

/** The role's app is shown: its badge in the header and its Conference tab, selected. */
export async function expectRoleApp(page: Page, role: Role): Promise<void> {
  await expect(page.getByRole('banner')).toContainText(`Role: ${role === 'doctor' ? 'Doctor' : 'Patient'}`);
  await expect(page.getByRole('tab', { name: 'Conference' })).toHaveAttribute('aria-selected', 'true');
}

export async function openTab(page: Page, name: 'Conference' | 'Audit log' | 'Performance'): Promise<void> {
  const tab = page.getByRole('tab', { name, exact: true });
  await tab.click();
  await expect(tab).toHaveAttribute('aria-selected', 'true');
}

// ---- doctor ----

export async function doctorStartListening(page: Page, port: number, host = '127.0.0.1'): Promise<void> {
  await page.getByRole('textbox', { name: 'Host', exact: true }).fill(host);
  await page.getByRole('textbox', { name: 'Port', exact: true }).fill(String(port));
  await page.getByRole('radio', { name: 'Trust on first use' }).check();
  await page.getByRole('button', { name: 'Start listening' }).click();
  await expect(page.getByRole('button', { name: 'Stop listening' })).toBeVisible();
  await expect(page.getByRole('region', { name: 'Conference' }).getByRole('status')).toHaveText(`Listening on ${host}:${port}`);
}

export function patientsPanel(page: Page): Locator {
  return page.getByRole('region', { name: 'Patients' });
}

export async function doctorExpectAdmitted(page: Page, ids: string[]): Promise<void> {
  const panel = patientsPanel(page);
  await expect(panel).toContainText(`${ids.length} connected, ${ids.length} admitted`, { timeout: 20_000 });
  for (const id of ids) {
    const row = panel.getByRole('row').filter({ has: page.getByRole('rowheader', { name: new RegExp(`^${id}\\b`) }) });
    await expect(row).toHaveCount(1);
    await expect(row.getByRole('cell').first()).toHaveText('Admitted');
  }
}

export async function doctorBroadcast(page: Page, text: string, expected: { delivered: number; of: number }): Promise<void> {
  await page.getByRole('textbox', { name: 'Message to all admitted patients' }).fill(text);
  await page.getByRole('button', { name: 'Send', exact: true }).click();
  const receipt = page.getByRole('list', { name: 'Sent messages, newest first' }).getByRole('listitem').filter({ hasText: text }).first();
  await expect(receipt).toContainText(`Delivered to ${expected.delivered} of ${expected.of}`, { timeout: 15_000 });
  await expect(page.getByRole('textbox', { name: 'Message to all admitted patients' })).toHaveValue('');
}

/** "Block…" asks first: how long, an optional note, then "Yes, block ID". */
export async function doctorBlock(page: Page, id: string, minutes: number, note?: string): Promise<void> {
  await page.getByRole('button', { name: `Block ${id}…`, exact: true }).click();
  const form = page.getByRole('form', { name: `Block ${id}`, exact: true });
  const duration = form.getByRole('combobox', { name: `Block ${id} for` });
  // The question takes the focus.
  await expect(duration).toBeFocused();
  await duration.selectOption(String(minutes));
  if (note !== undefined) await form.getByRole('textbox', { name: 'Note (optional)' }).fill(note);
  await form.getByRole('button', { name: `Yes, block ${id}`, exact: true }).click();
}

export function blockedPanel(page: Page): Locator {
  return page.getByRole('region', { name: 'Blocked' });
}

/** The block list shows `id` with Unblock and a countdown at most `maxSeconds`; returns its seconds. */
export async function doctorExpectBlocked(page: Page, id: string, maxSeconds: number): Promise<number> {
  const item = blockedPanel(page).getByRole('listitem').filter({ has: page.getByRole('button', { name: `Unblock ${id}`, exact: true }) });
  await expect(item).toHaveCount(1);
  const timer = item.getByRole('timer');
  await expect(timer).toHaveText(/^\d{2}:\d{2}$/);
  const seconds = parseCountdown(await timer.textContent());
  expect(seconds).toBeGreaterThan(0);
  expect(seconds).toBeLessThanOrEqual(maxSeconds);
  return seconds;
}

export async function auditExpectKinds(page: Page, kinds: string[]): Promise<void> {
  const table = page.getByRole('tabpanel', { name: 'Audit log' }).getByRole('table');
  for (const kind of kinds) {
    await expect(table.getByRole('cell', { name: kind, exact: true }).first(), `audit row of kind "${kind}"`).toBeVisible();
  }
}

/** Clicks Verify chain; returns the number of rows the badge reports. */
export async function doctorVerifyChain(page: Page): Promise<number> {
  await page.getByRole('button', { name: 'Verify chain' }).click();
  const badge = page.getByText(/Chain verified and sealed: \d+ rows/);
  await expect(badge).toBeVisible();
  return Number(/Chain verified and sealed: (\d+) rows/.exec((await badge.textContent()) ?? '')![1]);
}

/** The live "Performance metrics" table's calls for one primitive (0 when it has no row). */
export async function perfCalls(page: Page, primitive: string): Promise<number> {
  const table = page.getByRole('tabpanel', { name: 'Performance' }).getByRole('table', { name: 'Performance metrics' });
  const row = table.getByRole('row').filter({ has: page.getByRole('rowheader', { name: primitive, exact: true }) });
  if ((await row.count()) === 0) return 0;
  const cells = row.getByRole('cell');
  return Number(await cells.last().textContent());
}

// ---- patient ----

export interface ConnectDetails {
  host: string;
  port: number;
  patientId: string;
  group?: string;
}

export async function patientConnect(page: Page, details: ConnectDetails): Promise<void> {
  await page.getByRole('textbox', { name: 'Doctor host' }).fill(details.host);
  await page.getByRole('textbox', { name: 'Doctor port' }).fill(String(details.port));
  await page.getByRole('textbox', { name: 'Patient ID' }).fill(details.patientId);
  await page.getByRole('combobox', { name: 'Group' }).selectOption({ label: details.group ?? 'Standard 2048-bit (recommended)' });
  await page.getByRole('button', { name: 'Connect', exact: true }).click();
}

export async function patientExpectAdmitted(page: Page, details: ConnectDetails): Promise<void> {
  await expect(page.getByRole('status').filter({ hasText: 'Admitted.' })).toBeVisible({ timeout: 20_000 });
  await expect(page.getByText(`In the conference at ${details.host}:${details.port} as ${details.patientId}`)).toBeVisible();
  await openConnectionDetails(page);
  const steps = page.getByRole('region', { name: 'Handshake' }).getByRole('listitem');
  await expect(steps).toHaveCount(HANDSHAKE_STEPS.length);
  for (const [i, [label, protocol]] of HANDSHAKE_STEPS.entries()) {
    await expect(steps.nth(i), `handshake step "${label}"`).toContainText(label);
    await expect(steps.nth(i), `handshake step "${label}"`).toContainText(protocol);
    await expect(steps.nth(i), `handshake step "${label}"`).toContainText(/done at \d{2}:\d{2}:\d{2}\.\d{3}/);
  }
  await expect(page.getByRole('button', { name: 'Leave conference' })).toBeVisible();
}

export function messageFeed(page: Page): Locator {
  return page.getByRole('log', { name: 'Messages from the doctor' });
}

export async function patientExpectBlocked(page: Page): Promise<Locator> {
  await expect(page.getByText('You are blocked from this conference.')).toBeVisible({ timeout: 15_000 });
  await expect(page.getByText(/You can connect again in \d{2}:\d{2}/)).toBeVisible();
  return page.getByRole('status').getByRole('timer');
}

/** Reads a mm:ss timer, waits, and checks that it went down by about the time that passed. */
export async function expectCountdownRunning(timer: Locator, waitMs: number, maxStart: number): Promise<{ first: number; second: number }> {
  const first = parseCountdown(await timer.textContent());
  const firstAt = Date.now();
  expect(first).toBeGreaterThan(0);
  expect(first).toBeLessThanOrEqual(maxStart);
  await timer.page().waitForTimeout(waitMs);
  const second = parseCountdown(await timer.textContent());
  const elapsed = Date.now() - firstAt;
  // The display ticks once a second: over `elapsed` ms it drops by floor(elapsed/1000) to ceil(elapsed/1000) + 1.
  const drop = first - second;
  expect(drop, `countdown ${first}s -> ${second}s over ${elapsed} ms`).toBeGreaterThanOrEqual(Math.max(1, Math.floor(elapsed / 1000) - 1));
  expect(drop, `countdown ${first}s -> ${second}s over ${elapsed} ms`).toBeLessThanOrEqual(Math.ceil(elapsed / 1000) + 1);
  return { first, second };
}

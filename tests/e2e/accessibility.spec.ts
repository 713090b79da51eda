/**
 * An automated accessibility scan (axe-core, WCAG 2.0/2.1 levels A and AA) of every screen a person
 * meets: the role chooser, the doctor before and while listening (two patients admitted, one
 * broadcast sent, then a patient held under "Ask me"), the patient's join form and admitted view,
 * and both roles' Audit log and Performance tabs. Each screen is scanned at 1280x800 and at 800x600.
 * A violation of impact "serious" or "critical" fails the test (softly, so every screen is still
 * scanned); the failure message lists every violation found on that screen, of any impact, with its
 * rule id, help text and the selectors of the offending nodes. Nothing is excluded or disabled.
 */
import { AxeBuilder } from '@axe-core/playwright';
import type { Page, TestInfo } from '@playwright/test';
import { expect, test } from './support/fixtures.js';
import { freePort } from './support/free-port.js';
import {
  auditExpectKinds,
  collectErrors,
  doctorBroadcast,
  doctorExpectAdmitted,
  doctorStartListening,
  expectRoleApp,
  expectRoleChooser,
  messageFeed,
  openTab,
  patientConnect,
  patientExpectAdmitted,
  patientsPanel,
  perfCalls,
} from './support/ui.js';

const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
const BLOCKING_IMPACTS = new Set(['serious', 'critical']);
const VIEWPORTS = [
  { width: 1280, height: 800 },
  { width: 800, height: 600 },
] as const;

/** One axe result (axe-core itself is only @axe-core/playwright's dependency, not ours). */
type Result = Awaited<ReturnType<AxeBuilder['analyze']>>['violations'][number];

interface Finding {
  id: string;
  impact: string;
  help: string;
  helpUrl: string;
  targets: string[];
}

function toFinding(result: Result): Finding {
  return {
    id: result.id,
    impact: result.impact ?? 'unknown',
    help: result.help,
    helpUrl: result.helpUrl,
    targets: result.nodes.map((n) => `${n.target.map(String).join(' >>> ')}${n.failureSummary ? ` — ${n.failureSummary.replace(/\s*\n\s*/g, ' ')}` : ''}`),
  };
}

/** One line per violation, then one indented line per offending node (its selector and axe's summary). */
function describe(findings: Finding[]): string {
  if (findings.length === 0) return '  (none)';
  return findings
    .map((f) => [`  - ${f.id} [${f.impact}] ${f.help} (${f.helpUrl})`, ...f.targets.map((t) => `      at ${t}`)].join('\n'))
    .join('\n');
}

/**
 * Scans the page as it is now, at each viewport in turn (the page's own size restored after), and
 * asserts, softly, that no violation is serious or critical. Every violation found, and what axe
 * could not decide ("needs review"), is attached to the report as JSON and printed.
 */
async function scan(page: Page, screen: string, testInfo: TestInfo): Promise<void> {
  const original = page.viewportSize();
  for (const viewport of VIEWPORTS) {
    await page.setViewportSize(viewport);
    // Let layout settle and a hover highlight not colour the result.
    await page.mouse.move(1, viewport.height - 1);
    await page.evaluate(() => new Promise((resolveFrame) => requestAnimationFrame(() => requestAnimationFrame(resolveFrame))));
    const results = await new AxeBuilder({ page }).withTags(WCAG_TAGS).analyze();
    const findings = results.violations.map(toFinding);
    const review = results.incomplete.map(toFinding);
    const where = `${screen} @ ${viewport.width}x${viewport.height}`;
    await testInfo.attach(`axe ${where}.json`, { body: JSON.stringify({ violations: findings, needsReview: review }, null, 2), contentType: 'application/json' });
    const blocking = findings.filter((f) => BLOCKING_IMPACTS.has(f.impact)).map((f) => `${f.id} [${f.impact}]`);
    // Minor and moderate ones do not fail the test: say so here, since no failure message will.
    if (findings.length > 0 && blocking.length === 0) console.log(`axe: ${where}: ${findings.length} minor/moderate violation(s)\n${describe(findings)}`);
    if (review.length > 0) console.log(`axe: ${where}: needs review (not asserted): ${review.map((f) => `${f.id} [${f.impact}]`).join(', ')}`);
    expect.soft(blocking, `serious or critical accessibility violations on "${where}"; all violations there:\n${describe(findings)}\n`).toEqual([]);
  }
  if (original) await page.setViewportSize(original);
}

test('the role chooser has no serious or critical accessibility violations', async ({ apps }, testInfo) => {
  const app = await apps.start({ label: 'chooser' });
  const page = await apps.open(app);
  const errors = collectErrors(page);
  await expectRoleChooser(page);
  await scan(page, 'role chooser', testInfo);
  expect(errors).toEqual([]);
});

test('the doctor and the patient screens have no serious or critical accessibility violations', async ({ apps }, testInfo) => {
  test.setTimeout(180_000);
  const [doctorApp, aliceApp, bobApp, carolApp] = await Promise.all([
    apps.start({ label: 'doctor', role: 'doctor' }),
    apps.start({ label: 'alice', role: 'patient' }),
    apps.start({ label: 'bob', role: 'patient' }),
    apps.start({ label: 'carol', role: 'patient' }),
  ]);
  const [doctor, alice, bob, carol] = await Promise.all([apps.open(doctorApp), apps.open(aliceApp), apps.open(bobApp), apps.open(carolApp)]);
  const errors = [doctor, alice, bob, carol].map(collectErrors);
  const port = await freePort();
  const peer = (patientId: string) => ({ host: '127.0.0.1', port, patientId });

  await test.step('the doctor before listening; the patient join form', async () => {
    await expectRoleApp(doctor, 'doctor');
    await expect(doctor.getByRole('button', { name: 'Start listening' })).toBeVisible();
    await scan(doctor, 'doctor before listening', testInfo);
    await expectRoleApp(alice, 'patient');
    await expect(alice.getByRole('button', { name: 'Connect', exact: true })).toBeVisible();
    await scan(alice, 'patient join form', testInfo);
  });

  const message = 'Good morning. Please take your 5 mg dose at 09:00 and note your blood pressure before lunch.';
  await test.step('the doctor listening with two admitted patients and one broadcast; the patient admitted with it', async () => {
    await doctorStartListening(doctor, port);
    await patientConnect(alice, peer('alice'));
    await patientConnect(bob, peer('bob'));
    await patientExpectAdmitted(alice, peer('alice'));
    await patientExpectAdmitted(bob, peer('bob'));
    await doctorExpectAdmitted(doctor, ['alice', 'bob']);
    await doctorBroadcast(doctor, message, { delivered: 2, of: 2 });
    await expect(messageFeed(alice)).toContainText(message);
    await expect(patientsPanel(doctor).getByRole('row').filter({ hasText: 'alice' })).toContainText('#1');
    await scan(doctor, 'doctor listening, 2 admitted, 1 broadcast', testInfo);
    await scan(alice, 'patient admitted with a message', testInfo);
  });

  await test.step('the doctor with a pending approval under "Ask me"', async () => {
    const ask = doctor.getByRole('radio', { name: 'Ask me' });
    await ask.check();
    await expect(ask).toBeChecked();
    await expect(ask).toBeEnabled();
    await patientConnect(carol, peer('carol'));
    const approvals = doctor.getByRole('region', { name: /Waiting for your approval/ });
    await expect(approvals.getByRole('heading', { name: /New patient carol/ })).toBeVisible({ timeout: 20_000 });
    await expect(approvals.getByRole('button', { name: 'Approve carol' })).toBeVisible();
    await scan(doctor, 'doctor with a pending approval', testInfo);
  });

  await test.step("the doctor's Audit log and Performance tabs", async () => {
    await openTab(doctor, 'Audit log');
    await auditExpectKinds(doctor, ['listen', 'join', 'admitted', 'broadcast']);
    await scan(doctor, 'doctor Audit log', testInfo);
    await openTab(doctor, 'Performance');
    await expect.poll(() => perfCalls(doctor, 'Signature Verification')).toBeGreaterThan(0);
    await doctor.getByRole('button', { name: 'Refresh history' }).click();
    await expect(doctor.getByRole('img', { name: /time per session/ })).toBeVisible();
    await scan(doctor, 'doctor Performance', testInfo);
  });

  await test.step("the patient's Audit log and Performance tabs", async () => {
    await openTab(alice, 'Audit log');
    await auditExpectKinds(alice, ['connect', 'admitted', 'message']);
    await scan(alice, 'patient Audit log', testInfo);
    await openTab(alice, 'Performance');
    await expect.poll(() => perfCalls(alice, 'AES Decryption')).toBeGreaterThan(0);
    await scan(alice, 'patient Performance', testInfo);
  });

  expect(errors.flat()).toEqual([]);
});

/**
 * The browser-mode conference scenario (tests/e2e/conference.spec.ts) in the desktop app: a doctor
 * and two patients, each its own Electron process with its own data directory, driven through the
 * same UI steps. Screenshots go to this test's output folder (docs/screenshots comes from the
 * browser mode).
 */
import { setWindowContentSize } from './support/electron-app.js';
import { expect, skipUnlessElectronInstalled, test } from './support/fixtures.js';
import { freePort } from '../e2e/support/free-port.js';
import {
  auditExpectKinds,
  chooseRole,
  collectErrors,
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
  perfCalls,
} from '../e2e/support/ui.js';

skipUnlessElectronInstalled();

test('desktop: a doctor and two patients: admit, broadcast, block, audit, performance', async ({ desktop }, testInfo) => {
  const [doctorApp, aliceApp, bobApp] = await Promise.all([
    desktop.launch({ label: 'doctor', role: 'doctor' }),
    desktop.launch({ label: 'alice' }),
    desktop.launch({ label: 'bob' }),
  ]);
  for (const app of [doctorApp, aliceApp, bobApp]) await setWindowContentSize(app, 1280, 800);
  const [doctor, alice, bob] = [doctorApp.page, aliceApp.page, bobApp.page];
  const errors = [doctor, alice, bob].map(collectErrors);
  const port = await freePort();
  const alicePeer = { host: '127.0.0.1', port, patientId: 'alice' };
  const bobPeer = { host: '127.0.0.1', port, patientId: 'bob' };
  const shot = (name: string): string => testInfo.outputPath(name);

  await test.step('roles', async () => {
    await expectRoleApp(doctor, 'doctor');
    await expectRoleChooser(alice);
    await alice.screenshot({ path: shot('desktop-role-chooser.png') });
    await chooseRole(alice, 'patient');
    await expectRoleChooser(bob);
    await chooseRole(bob, 'patient');
    await expect(doctor.getByRole('banner')).toContainText('Role: Doctor');
  });

  await test.step('listen, connect, admit', async () => {
    await doctorStartListening(doctor, port);
    await patientConnect(alice, alicePeer);
    await patientConnect(bob, bobPeer);
    await patientExpectAdmitted(alice, alicePeer);
    await patientExpectAdmitted(bob, bobPeer);
    await doctorExpectAdmitted(doctor, ['alice', 'bob']);
  });

  const message = 'Good morning. Please take your 5 mg dose at 09:00.';
  await test.step('broadcast', async () => {
    await doctorBroadcast(doctor, message, { delivered: 2, of: 2 });
    await expect(messageFeed(alice)).toContainText(message);
    await expect(messageFeed(bob)).toContainText(message);
    await alice.screenshot({ path: shot('desktop-patient-admitted.png') });
  });

  await test.step('block bob for 2 minutes', async () => {
    await doctorBlock(doctor, 'bob', 2);
    const timer = await patientExpectBlocked(bob);
    await expectCountdownRunning(timer, 2100, 120);
    await doctorExpectBlocked(doctor, 'bob', 120);
    await bob.screenshot({ path: shot('desktop-patient-blocked.png') });
    await doctor.screenshot({ path: shot('desktop-doctor-conference.png') });
  });

  await test.step('audit and performance', async () => {
    await openTab(doctor, 'Audit log');
    await auditExpectKinds(doctor, ['listen', 'join', 'admitted', 'broadcast', 'blocked']);
    expect(await doctorVerifyChain(doctor)).toBeGreaterThanOrEqual(8);
    await doctor.screenshot({ path: shot('desktop-doctor-audit.png') });
    await openTab(doctor, 'Performance');
    await expect.poll(() => perfCalls(doctor, 'Signature Verification')).toBeGreaterThan(0);
    await doctor.screenshot({ path: shot('desktop-doctor-performance.png') });
    await openTab(alice, 'Performance');
    await expect.poll(() => perfCalls(alice, 'Signature Verification')).toBeGreaterThan(0);
  });

  expect(errors.flat()).toEqual([]);
});

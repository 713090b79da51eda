/**
 * The desktop renderer's reach: no Node, no Electron, no ipcRenderer; window.medchat (the preload's
 * contextBridge object) carries only the contract's invoke/on, and a channel outside the contract
 * is an error result; the CSP refuses eval and inline script; navigation away and new windows are
 * refused.
 */
import { expect, skipUnlessElectronInstalled, test } from './support/fixtures.js';
import { NODE_AND_ELECTRON_NAMES, probeCsp, probeGlobals } from '../e2e/support/isolation.js';
import { expectRoleApp } from '../e2e/support/ui.js';

skipUnlessElectronInstalled();

interface PreloadApi {
  invoke(channel: string, arg: unknown): Promise<unknown>;
}

test('desktop: no Node or Electron globals; window.medchat is exactly invoke/on', async ({ desktop }) => {
  const { page } = await desktop.launch({ label: 'doctor', role: 'doctor' });
  await expectRoleApp(page, 'doctor');
  const probe = await probeGlobals(page);
  for (const name of [...NODE_AND_ELECTRON_NAMES, 'free:require']) expect(probe.types[name], name).toBe('undefined');
  expect(probe.medchatKeys).toEqual(['invoke', 'on']);
  expect(probe.medchatTypes).toEqual({ invoke: 'function', on: 'function' });
});

test('desktop: a channel outside the contract is an error result, not an exception', async ({ desktop }) => {
  const { page } = await desktop.launch({ label: 'doctor', role: 'doctor' });
  await expectRoleApp(page, 'doctor');
  const results = await page.evaluate(async () => {
    const api = (window as unknown as { medchat: PreloadApi }).medchat;
    const call = async (channel: string, arg: unknown): Promise<unknown> => {
      try {
        return await api.invoke(channel, arg);
      } catch (error) {
        return { threw: String(error) };
      }
    };
    return {
      unknown: await call('shell.openExternal', { url: 'https://example.com' }),
      proto: await call('__proto__', null),
      badArg: await call('doctor.block', { patientId: 'bob', minutes: -5 }),
      info: await call('app.info', undefined),
    };
  });
  expect(results.unknown).toMatchObject({ ok: false, error: { code: 'UNKNOWN_CHANNEL' } });
  expect(results.proto).toMatchObject({ ok: false, error: { code: 'UNKNOWN_CHANNEL' } });
  expect(results.badArg).toMatchObject({ ok: false, error: { code: 'BAD_ARGUMENT' } });
  expect(results.info).toMatchObject({ ok: true, value: { role: 'doctor', shell: 'electron' } });
});

test('desktop: the CSP blocks eval and inline script; no navigation away, no new windows', async ({ desktop }) => {
  const { app, page } = await desktop.launch({ label: 'doctor', role: 'doctor' });
  await expectRoleApp(page, 'doctor');
  const csp = await probeCsp(page);
  expect(csp.eval).toBe('EvalError');
  expect(csp.newFunction).toBe('EvalError');
  expect(csp.setTimeoutString).toBe('blocked');
  expect(csp.inlineScriptRan).toBe(false);

  const before = page.url();
  expect(before.startsWith('app://medchat/')).toBe(true);
  const opened = await page.evaluate(() => window.open('https://example.com/') === null);
  expect(opened).toBe(true);
  await page.evaluate(() => {
    window.location.href = 'https://example.com/';
  });
  await page.waitForTimeout(500);
  expect(page.url()).toBe(before);
  expect(app.windows()).toHaveLength(1);
});

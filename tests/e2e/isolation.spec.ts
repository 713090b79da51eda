/**
 * The renderer cannot reach Node or Electron APIs other than the contract, and the browser mode's
 * doors are shut to anyone without the launch token. Plus the doctor's and the patient's UI at
 * 800x600: no horizontal scrollbar, and every control has an accessible name.
 */
import { request as httpRequest } from 'node:http';
import type { Page } from '@playwright/test';
import type { BrowserModeInstance } from './support/browser-mode.js';
import { expect, test } from './support/fixtures.js';
import { freePort } from './support/free-port.js';
import { horizontalOverflow, NODE_AND_ELECTRON_NAMES, probeCsp, probeGlobals, unnamedControls } from './support/isolation.js';
import {
  doctorBlock,
  doctorBroadcast,
  doctorExpectAdmitted,
  doctorStartListening,
  expectRoleApp,
  messageFeed,
  openTab,
  patientConnect,
  patientExpectAdmitted,
} from './support/ui.js';

const TOKEN_KEY = 'medchat.bridgeToken';

interface WsOutcome {
  opened: boolean;
  closeCode: number | null;
  replies: unknown[];
}

/** Opens a WebSocket from inside the page, optionally sends frames, and reports what happened. */
function pageWebSocket(page: Page, path: string, frames: string[] = []): Promise<WsOutcome> {
  return page.evaluate(
    ({ path: p, frames: toSend }) =>
      new Promise<WsOutcome>((resolveOutcome) => {
        const outcome: WsOutcome = { opened: false, closeCode: null, replies: [] };
        const ws = new WebSocket(`ws://${location.host}${p}`);
        const done = (): void => resolveOutcome(outcome);
        const timer = window.setTimeout(() => {
          ws.close();
          done();
        }, 5000);
        ws.onopen = () => {
          outcome.opened = true;
          if (toSend.length === 0) {
            ws.close();
            return;
          }
          for (const frame of toSend) ws.send(frame);
        };
        ws.onmessage = (event) => {
          const data = JSON.parse(String(event.data)) as { id?: unknown };
          // Events are pushed to every page; keep replies only.
          if (!('id' in data)) return;
          outcome.replies.push(data);
          if (outcome.replies.length === toSend.length) ws.close();
        };
        ws.onclose = (event) => {
          outcome.closeCode = event.code;
          window.clearTimeout(timer);
          done();
        };
      }),
    { path, frames },
  );
}

/** A raw HTTP upgrade to the bridge from Node, with headers of our choosing; resolves the HTTP status. */
function rawUpgrade(app: BrowserModeInstance, path: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolveStatus, rejectStatus) => {
    const req = httpRequest({
      host: '127.0.0.1',
      port: app.port,
      path,
      headers: {
        Connection: 'Upgrade',
        Upgrade: 'websocket',
        'Sec-WebSocket-Version': '13',
        'Sec-WebSocket-Key': Buffer.from('0123456789abcdef').toString('base64'),
        ...headers,
      },
    });
    req.on('upgrade', (res, socket) => {
      socket.destroy();
      resolveStatus(res.statusCode ?? 0);
    });
    req.on('response', (res) => {
      res.resume();
      resolveStatus(res.statusCode ?? 0);
    });
    req.on('error', rejectStatus);
    req.end();
  });
}

test.describe('renderer isolation in browser mode', () => {
  test('the page has no Node or Electron globals; window.medchat, if any, is only invoke/on', async ({ apps }) => {
    const app = await apps.start({ label: 'doctor', role: 'doctor' });
    const page = await apps.open(app);
    await expectRoleApp(page, 'doctor');
    const probe = await probeGlobals(page);
    for (const name of [...NODE_AND_ELECTRON_NAMES, 'free:require']) expect(probe.types[name], name).toBe('undefined');
    if (probe.medchatKeys !== null) {
      expect(probe.medchatKeys).toEqual(['invoke', 'on']);
      expect(probe.medchatTypes).toEqual({ invoke: 'function', on: 'function' });
    }
    // Browser mode has no preload at all: the UI talks to the bridge only.
    expect(probe.medchatKeys).toBeNull();
  });

  test('a channel outside the contract gets an error result over the bridge, not an exception', async ({ apps }) => {
    const app = await apps.start({ label: 'doctor', role: 'doctor' });
    const page = await apps.open(app);
    await expectRoleApp(page, 'doctor');
    const token = await page.evaluate((key) => sessionStorage.getItem(key), TOKEN_KEY);
    expect(token).toBe(app.token);
    const frames = [
      JSON.stringify({ id: 1, channel: 'shell.openExternal', arg: { url: 'https://example.com' } }),
      JSON.stringify({ id: 2, channel: '__proto__', arg: null }),
      JSON.stringify({ id: 3, channel: 'doctor.block', arg: { patientId: 'bob', minutes: -5 } }),
      JSON.stringify({ id: 4, channel: 'app.info', arg: null }),
      'not json',
    ];
    const outcome = await pageWebSocket(page, `/bridge?token=${encodeURIComponent(token!)}`, frames);
    expect(outcome.opened).toBe(true);
    const byId = new Map((outcome.replies as { id: number | null; result: { ok: boolean; error?: { code: string } } }[]).map((r) => [r.id, r.result]));
    expect(byId.get(1)).toMatchObject({ ok: false, error: { code: 'UNKNOWN_CHANNEL' } });
    expect(byId.get(2)).toMatchObject({ ok: false, error: { code: 'UNKNOWN_CHANNEL' } });
    expect(byId.get(3)).toMatchObject({ ok: false, error: { code: 'BAD_ARGUMENT' } });
    expect(byId.get(4)).toMatchObject({ ok: true, value: { role: 'doctor', shell: 'browser' } });
    expect(byId.get(null)).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    // The page itself is still fine after all that.
    await expect(page.getByRole('button', { name: 'Start listening' })).toBeEnabled();
  });

  test('the bridge refuses a WebSocket without the token, with a wrong token, or from a foreign origin', async ({ apps }) => {
    const app = await apps.start({ label: 'doctor', role: 'doctor' });
    const page = await apps.open(app);
    await expectRoleApp(page, 'doctor');
    for (const path of ['/bridge', '/bridge?token=', `/bridge?token=${'A'.repeat(43)}`, `/bridge?token=${app.token}x`]) {
      const outcome = await pageWebSocket(page, path);
      expect(outcome.opened, path).toBe(false);
      expect(outcome.closeCode, path).toBe(1006);
    }
    const origin = app.origin;
    const good = `/bridge?token=${app.token}`;
    // From outside the browser: the right token is not enough without our own Origin and Host.
    expect(await rawUpgrade(app, good, { Origin: origin })).toBe(101);
    expect(await rawUpgrade(app, '/bridge', { Origin: origin })).toBe(403);
    expect(await rawUpgrade(app, good, {})).toBe(403);
    expect(await rawUpgrade(app, good, { Origin: 'http://evil.example' })).toBe(403);
    expect(await rawUpgrade(app, good, { Origin: 'http://evil.example:80', Host: 'evil.example' })).toBe(403);
  });

  test('the CSP blocks eval and inline script', async ({ apps }) => {
    const app = await apps.start({ label: 'doctor', role: 'doctor' });
    const page = await apps.blankPage();
    const response = await page.goto(app.url);
    const csp = response?.headers()['content-security-policy'] ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-eval');
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).toContain(`connect-src 'self' ws://127.0.0.1:${app.port}`);
    await expectRoleApp(page, 'doctor');
    const probe = await probeCsp(page);
    expect(probe.eval).toBe('EvalError');
    expect(probe.newFunction).toBe('EvalError');
    expect(probe.setTimeoutString).toBe('blocked');
    expect(probe.inlineScriptRan).toBe(false);
    expect(probe.violations).toEqual(expect.arrayContaining([expect.stringMatching(/^script-src(-elem)?:inline$/), expect.stringMatching(/^script-src:eval$/)]));
  });

  test('the UI with a bad token or none gets no bridge; /bridge over plain HTTP is not a page', async ({ apps }) => {
    const app = await apps.start({ label: 'doctor', role: 'doctor' });
    const page = await apps.blankPage();
    await page.goto(`${app.origin}/?token=${'B'.repeat(43)}`);
    await expect(page.getByRole('alert').filter({ hasText: 'Error: Connection to MedChatSecure lost.' })).toBeVisible();
    await expect(page.getByRole('tab')).toHaveCount(0);
    await expect(page.getByRole('button', { name: 'Try again' })).toBeVisible();

    const noToken = await apps.blankPage();
    await noToken.goto(`${app.origin}/`);
    await expect(noToken.getByRole('alert').filter({ hasText: 'opened without its access token' }).first()).toBeVisible();
    await expect(noToken.getByRole('tab')).toHaveCount(0);

    const bridgePage = await noToken.goto(`${app.origin}/bridge?token=${'C'.repeat(43)}`);
    expect(bridgePage?.status()).toBe(404);
    // The right token does not make /bridge a page either: it is a WebSocket endpoint only.
    const withToken = await noToken.goto(`${app.origin}/bridge?token=${app.token}`);
    expect(withToken?.status()).toBe(404);
  });
});

test.describe('layout and names at 800x600', () => {
  const small = { width: 800, height: 600 };

  async function checkTabs(page: Page, tabs: ('Conference' | 'Audit log' | 'Performance')[]): Promise<void> {
    for (const tab of tabs) {
      await openTab(page, tab);
      // Let the panel settle (audit rows, perf history) before measuring.
      await page.waitForLoadState('networkidle');
      const overflow = await horizontalOverflow(page);
      expect(overflow.scrollWidth, `${tab}: document ${overflow.scrollWidth}px wide in a ${overflow.innerWidth}px window; widest: ${overflow.widest}`).toBeLessThanOrEqual(
        overflow.innerWidth,
      );
      const names = await unnamedControls(page);
      expect(names.checked, `${tab}: controls found`).toBeGreaterThan(3);
      expect(names.unnamed, `${tab}: controls without an accessible name`).toEqual([]);
    }
  }

  test('doctor and patient: no horizontal scrollbar, every control named', async ({ apps }) => {
    const [doctorApp, patientApp] = await Promise.all([apps.start({ label: 'doctor', role: 'doctor' }), apps.start({ label: 'carol', role: 'patient' })]);
    const [doctor, patient] = await Promise.all([apps.open(doctorApp, { viewport: small }), apps.open(patientApp, { viewport: small })]);
    await expectRoleApp(doctor, 'doctor');
    await expectRoleApp(patient, 'patient');
    const port = await freePort();
    const carol = { host: '127.0.0.1', port, patientId: 'carol-with-a-rather-long-patient-identifier' };
    await doctorStartListening(doctor, port);
    await patientConnect(patient, carol);
    await patientExpectAdmitted(patient, carol);
    await doctorExpectAdmitted(doctor, [carol.patientId]);
    await doctorBroadcast(doctor, 'A long line to check wrapping: ' + 'blood-pressure-readings-twice-daily '.repeat(6), { delivered: 1, of: 1 });
    await expect(messageFeed(patient)).toContainText('blood-pressure');
    // Everything filled: the patients table, a receipt, then a block entry with its countdown.
    await checkTabs(doctor, ['Conference', 'Audit log', 'Performance']);
    await checkTabs(patient, ['Conference', 'Performance', 'Audit log']);
    await openTab(doctor, 'Conference');
    await doctorBlock(doctor, carol.patientId, 1);
    await expect(doctor.getByRole('button', { name: `Unblock ${carol.patientId}`, exact: true })).toBeVisible();
    await openTab(patient, 'Conference');
    await expect(patient.getByText('You are blocked from this conference.')).toBeVisible();
    await checkTabs(doctor, ['Conference']);
    await checkTabs(patient, ['Conference']);
  });
});

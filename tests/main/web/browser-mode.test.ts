/**
 * The browser mode over real sockets: a real node:http server on 127.0.0.1, real `ws` clients, and
 * behind them the real doctor and patient services on a temp data dir per start (real-services.ts),
 * so every reply and event on the bridge is one the engine really produced.
 */
import { mkdtempSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { connect as connectTcp } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { BrowserModeError, startBrowserMode, type BrowserMode } from '../../../src/main/web/browser-mode.js';
import type { AuditEntry, DoctorSnapshot } from '../../../src/shared/contract.js';
import { engineFactories, Scratch } from '../ipc/real-services.js';

let base: string;
let rendererDir: string;
/** Data dirs and started browser modes (closing one closes its runtime and real service). */
const scratch = new Scratch();

beforeAll(() => {
  base = mkdtempSync(join(tmpdir(), 'medchat-browser-'));
  rendererDir = join(base, 'renderer');
  mkdirSync(join(rendererDir, 'assets'), { recursive: true });
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>MedChatSecure</title><script type="module" src="./assets/app.js"></script>');
  writeFileSync(join(rendererDir, 'assets', 'app.js'), 'console.log("ui");');
  writeFileSync(join(rendererDir, 'assets', 'app.css'), 'body{}');
  writeFileSync(join(base, 'secret.txt'), 'TOP-SECRET-OUTSIDE');
  symlinkSync(join(base, 'secret.txt'), join(rendererDir, 'link-out.txt'));
});

afterAll(() => rmSync(base, { recursive: true, force: true }));

afterEach(() => scratch.cleanup());

async function start(options: Partial<Parameters<typeof startBrowserMode>[0]> = {}) {
  const factories = engineFactories();
  const logs: string[] = [];
  const mode = scratch.track(
    await startBrowserMode({ dataDir: scratch.dir('browser-data'), rendererDir, factories, log: (l) => logs.push(l), ...options }),
  );
  return { mode, factories, logs, token: new URL(mode.url).searchParams.get('token')! };
}

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A raw HTTP request: the path goes out exactly as written (no client-side normalisation). */
function get(port: number, path: string, options: { method?: string; host?: string } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: options.method ?? 'GET', headers: { host: options.host ?? `127.0.0.1:${port}` } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end();
  });
}

function connect(mode: BrowserMode, options: { token?: string | null; origin?: string | null; path?: string } = {}): WebSocket {
  const url = new URL(mode.url);
  const token = options.token === undefined ? url.searchParams.get('token') : options.token;
  const query = token === null ? '' : `?token=${encodeURIComponent(token)}`;
  const headers: Record<string, string> = {};
  const origin = options.origin === undefined ? `http://127.0.0.1:${mode.port}` : options.origin;
  if (origin !== null) headers['Origin'] = origin;
  return new WebSocket(`ws://127.0.0.1:${mode.port}${options.path ?? '/bridge'}${query}`, { headers });
}

/** Resolves with the HTTP status when the upgrade is refused, or 101 when it is accepted. */
function upgradeStatus(ws: WebSocket): Promise<number> {
  return new Promise((resolve) => {
    ws.on('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.on('open', () => {
      resolve(101);
      ws.close();
    });
    ws.on('error', () => resolve(-1));
  });
}

/** A client that collects every frame and can wait for a reply by id or for an event. */
async function client(mode: BrowserMode) {
  const ws = connect(mode);
  const frames: Record<string, unknown>[] = [];
  const waiters: { test: (f: Record<string, unknown>) => boolean; resolve: (f: Record<string, unknown>) => void }[] = [];
  ws.on('message', (data) => {
    const frame = JSON.parse(String(data)) as Record<string, unknown>;
    frames.push(frame);
    for (const w of [...waiters]) {
      if (w.test(frame)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(frame);
      }
    }
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  const next = (test: (f: Record<string, unknown>) => boolean): Promise<Record<string, unknown>> => {
    const seen = frames.find(test);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve) => waiters.push({ test, resolve }));
  };
  let id = 0;
  return {
    ws,
    frames,
    next,
    async call(channel: string, arg?: unknown): Promise<Record<string, unknown>> {
      const myId = ++id;
      ws.send(JSON.stringify({ id: myId, channel, arg: arg ?? null }));
      const reply = await next((f) => f['id'] === myId);
      return reply['result'] as Record<string, unknown>;
    },
  };
}

function closed(ws: WebSocket): Promise<number> {
  return new Promise((resolve) => ws.on('close', (code) => resolve(code)));
}

/** Whether something accepts TCP connections on 127.0.0.1:port. */
function tcpAccepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connectTcp({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

describe('startBrowserMode', () => {
  it('listens on 127.0.0.1 with a 32-byte token in the URL', async () => {
    const { mode } = await start();
    expect(mode.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]{43}$/);
    expect(mode.port).toBeGreaterThan(0);
    const { mode: other } = await start();
    expect(new URL(other.url).searchParams.get('token')).not.toBe(new URL(mode.url).searchParams.get('token'));
  });

  it('refuses a non-loopback host unless allowRemote is set', async () => {
    await expect(start({ host: '0.0.0.0' })).rejects.toMatchObject({ code: 'NOT_LOOPBACK' });
    await expect(start({ host: '192.168.1.10' })).rejects.toBeInstanceOf(BrowserModeError);
  });

  it('refuses to start without a built renderer, with a sentence that says what to run', async () => {
    await expect(start({ rendererDir: join(base, 'nowhere') })).rejects.toThrow(/npm run build:renderer/);
  });
});

describe('static files', () => {
  it('serves index.html at / with the security headers', async () => {
    const { mode } = await start();
    const res = await get(mode.port, '/?token=whatever');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.body).toContain('<title>MedChatSecure</title>');
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain(`connect-src 'self' ws://127.0.0.1:${mode.port}`);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-eval');
    expect(csp).not.toContain('unsafe-inline');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
  });

  it('gives scripts and styles their content types', async () => {
    const { mode } = await start();
    expect((await get(mode.port, '/assets/app.js')).headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect((await get(mode.port, '/assets/app.css')).headers['content-type']).toBe('text/css; charset=utf-8');
    const head = await get(mode.port, '/assets/app.js', { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.body).toBe('');
  });

  it('answers 404 for missing files and for every way out of the renderer folder', async () => {
    const { mode } = await start();
    for (const path of [
      '/missing.js',
      '/assets',
      '/../secret.txt',
      '/assets/../../secret.txt',
      '/%2e%2e/secret.txt',
      '/assets/..%2f..%2fsecret.txt',
      '/..%5csecret.txt',
      '/link-out.txt',
      '/index.html%00.js',
      '/%E0%A4%A',
    ]) {
      const res = await get(mode.port, path);
      expect(res.status, path).toBe(404);
      expect(res.body).not.toContain('TOP-SECRET');
      expect(res.headers['content-security-policy']).toBeDefined();
    }
  });

  it('refuses other methods and foreign Host headers (DNS rebinding)', async () => {
    const { mode } = await start();
    expect((await get(mode.port, '/', { method: 'POST' })).status).toBe(405);
    expect((await get(mode.port, '/', { host: `evil.example:${mode.port}` })).status).toBe(421);
    expect((await get(mode.port, '/', { host: `localhost:${mode.port}` })).status).toBe(200);
  });
});

describe('WebSocket bridge: who may connect', () => {
  it('accepts our page: right token, our Origin', async () => {
    const { mode } = await start();
    expect(await upgradeStatus(connect(mode))).toBe(101);
  });

  it('refuses a missing token, a wrong token and a token of the wrong length', async () => {
    const { mode, token } = await start();
    expect(await upgradeStatus(connect(mode, { token: null }))).toBe(403);
    const wrong = (token[0] === 'A' ? 'B' : 'A') + token.slice(1);
    expect(await upgradeStatus(connect(mode, { token: wrong }))).toBe(403);
    expect(await upgradeStatus(connect(mode, { token: token.slice(0, 10) }))).toBe(403);
    expect(await upgradeStatus(connect(mode, { token: '' }))).toBe(403);
  });

  it('refuses a foreign or missing Origin even with the right token', async () => {
    const { mode } = await start();
    expect(await upgradeStatus(connect(mode, { origin: 'http://evil.example' }))).toBe(403);
    expect(await upgradeStatus(connect(mode, { origin: `http://127.0.0.1:${mode.port + 1}` }))).toBe(403);
    expect(await upgradeStatus(connect(mode, { origin: `https://127.0.0.1:${mode.port}` }))).toBe(403);
    expect(await upgradeStatus(connect(mode, { origin: 'null' }))).toBe(403);
    expect(await upgradeStatus(connect(mode, { origin: null }))).toBe(403);
  });

  it('refuses upgrades on other paths', async () => {
    const { mode } = await start();
    expect(await upgradeStatus(connect(mode, { path: '/' }))).toBe(404);
  });
});

describe('WebSocket bridge: calls and events', () => {
  it('round-trips a call and pushes service events', async () => {
    const { mode } = await start();
    const c = await client(mode);
    expect(await c.call('app.info')).toMatchObject({ ok: true, value: { role: null, shell: 'browser' } });
    expect(await c.call('app.chooseRole', { role: 'doctor' })).toMatchObject({ ok: true, value: { role: 'doctor' } });
    expect(await c.call('doctor.block', { patientId: 'alice', minutes: 2 })).toMatchObject({ ok: true, value: { id: 'alice' } });
    // a void result arrives as { ok: true } (JSON drops undefined)
    expect(await c.call('doctor.unblock', { patientId: 'alice' })).toEqual({ ok: true });
    // a ServiceError arrives with its code and sentence
    expect(await c.call('doctor.unblock', { patientId: 'alice' })).toEqual({ ok: false, error: { code: 'NOT_BLOCKED', message: 'alice is not blocked.' } });

    // The real doctor starts listening: it pushes the audit entry and then its new snapshot.
    const listening = (await c.call('doctor.listen', { host: '127.0.0.1', port: 0 })) as { ok: true; value: { port: number } };
    expect(listening).toMatchObject({ ok: true, value: { listening: true } });
    const event = await c.next((f) => f['event'] === 'doctor.audit' && (f['payload'] as AuditEntry).kind === 'listen');
    const [entry] = ((await c.call('doctor.audit', { kind: 'listen' })) as { value: AuditEntry[] }).value;
    expect(entry).toMatchObject({ kind: 'listen', detail: `listening on 127.0.0.1:${listening.value.port}` });
    expect(event).toEqual({ event: 'doctor.audit', payload: entry });
    const changed = await c.next((f) => f['event'] === 'doctor.changed' && (f['payload'] as DoctorSnapshot).status.listening);
    expect(changed['payload']).toMatchObject({ status: { listening: true, host: '127.0.0.1', port: listening.value.port } });
  });

  it('starts with the role given at launch', async () => {
    const { mode } = await start({ role: 'patient' });
    const c = await client(mode);
    expect(await c.call('patient.status')).toMatchObject({ ok: true, value: { state: 'idle' } });
    expect(await c.call('doctor.snapshot')).toMatchObject({ ok: false, error: { code: 'WRONG_ROLE' } });
  });

  it('answers bad requests with an error and keeps the socket usable', async () => {
    const { mode } = await start();
    const c = await client(mode);
    for (const frame of ['{not json', '[1,2]', '"text"', '{"channel":"app.info"}', '{"id":-1,"channel":"app.info"}', '{"id":1.5,"channel":"app.info"}']) {
      c.ws.send(frame);
    }
    c.ws.send(Buffer.from('{"id":1}'), { binary: true });
    await new Promise((r) => setTimeout(r, 100));
    const errors = c.frames.filter((f) => f['id'] === null);
    expect(errors).toHaveLength(7);
    for (const e of errors) expect(e['result']).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });

    c.ws.send(JSON.stringify({ id: 50, channel: 'app.info', extra: true }));
    expect((await c.next((f) => f['id'] === 50))['result']).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    expect(await c.call('app.quit')).toMatchObject({ ok: false, error: { code: 'UNKNOWN_CHANNEL' } });
    expect(await c.call('app.chooseRole', { role: 'doctor', __proto__: null })).toMatchObject({ ok: true });
    c.ws.send('{"id":60,"channel":"doctor.block","arg":{"patientId":"a","minutes":1,"__proto__":{"admin":true}}}');
    expect((await c.next((f) => f['id'] === 60))['result']).toMatchObject({ ok: false, error: { code: 'BAD_ARGUMENT' } });
    expect(await c.call('app.info')).toMatchObject({ ok: true });
  });

  it('closes only the socket that sends an oversized message', async () => {
    const { mode } = await start();
    const big = await client(mode);
    const other = await client(mode);
    const code = closed(big.ws);
    big.ws.send(JSON.stringify({ id: 1, channel: 'doctor.broadcast', arg: { text: 'x'.repeat(70 * 1024) } }));
    expect(await code).toBe(1009);
    expect(await other.call('app.info')).toMatchObject({ ok: true });
    const again = await client(mode);
    expect(await again.call('app.info')).toMatchObject({ ok: true });
  });

  it('close() tells open pages, closes the service once and frees the port', async () => {
    const { mode, factories } = await start({ role: 'doctor' });
    const c = await client(mode);
    const listening = (await c.call('doctor.listen', { host: '127.0.0.1', port: 0 })) as { ok: true; value: { port: number } };
    expect(await tcpAccepts(listening.value.port)).toBe(true);
    const code = closed(c.ws);
    await mode.close();
    expect(await code).toBe(1001);
    expect(factories.closeCalls).toEqual({ doctor: 1, patient: 0 });
    await expect(get(mode.port, '/')).rejects.toThrow();
    // the real doctor stopped too: its conference port is free
    expect(await tcpAccepts(listening.value.port)).toBe(false);
  });
});

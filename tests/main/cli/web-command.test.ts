import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { USAGE_EXIT_CODE } from '../../../src/main/cli/args.js';
import { defaultDataDir } from '../../../src/main/service/paths.js';
import { parseWebArgs, runWebCommand, WEB_COMMAND } from '../../../src/main/cli/web-command.js';

const base = mkdtempSync(join(tmpdir(), 'medchat-web-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));

describe('parseWebArgs', () => {
  it('reads every flag, in both --flag value and --flag=value forms', () => {
    expect(parseWebArgs(['--role', 'doctor', '--data-dir', '/tmp/d', '--host', '127.0.0.1', '--port=8080'])).toEqual({
      role: 'doctor', dataDir: '/tmp/d', host: '127.0.0.1', port: 8080, allowRemote: false,
    });
    expect(parseWebArgs(['--role=patient', '--allow-remote'])).toMatchObject({ role: 'patient', allowRemote: true });
    expect(parseWebArgs([])).toMatchObject({ dataDir: defaultDataDir() });
    expect(parseWebArgs(['--help'])).toBe('help');
  });

  it('refuses what it does not understand', () => {
    for (const argv of [['--role', 'nurse'], ['--port', '70000'], ['--port', '-1'], ['--port', 'x'], ['--port'], ['--data-dir', '--role'], ['--bogus'], ['web']]) {
      expect(() => parseWebArgs(argv), argv.join(' ')).toThrow();
    }
  });
});

describe('runWebCommand', () => {
  it('prints exactly one stdout line with the URL, then shuts down when stopped', async () => {
    const rendererDir = join(base, 'renderer');
    mkdirSync(rendererDir, { recursive: true });
    writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>UI</title>');
    const stdout: string[] = [];
    const stderr: string[] = [];
    let stop!: (reason: string) => void;
    const stopped = new Promise<string>((resolve) => (stop = resolve));
    const run = runWebCommand(['--data-dir', join(base, 'data'), '--port', '0'], {
      stdout: (l) => stdout.push(l),
      stderr: (l) => stderr.push(l),
      untilStopped: () => stopped,
      rendererDir,
    });
    for (let i = 0; i < 100 && stdout.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(stdout).toHaveLength(1);
    const match = /^MedChatSecure browser mode: (http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]{43})$/.exec(stdout[0]!);
    expect(match).not.toBeNull();
    const page = await fetch(match![1]!);
    expect(page.status).toBe(200);
    stop('SIGTERM');
    expect(await run).toBe(0);
    expect(stdout).toHaveLength(1);
    await expect(fetch(match![1]!)).rejects.toThrow();
    // the browser mode's application log, in its data folder, and the same lines on stderr
    const logFile = join(base, 'data', 'logs', 'medchat.log');
    expect(stderr[0]).toBe(`medchat web: starting; the application log is ${logFile}`);
    const logged = readFileSync(logFile, 'utf8');
    expect(logged).toContain('medchat web: SIGTERM received; shutting down.');
    expect(logged).toContain('medchat web: stopped.');
    expect(logged).not.toContain('token=');
  });

  it('exits 64 with the usage on a bad flag and 1 when the UI is not built', async () => {
    const stderr: string[] = [];
    expect(await runWebCommand(['--port', 'abc'], { stdout: () => {}, stderr: (l) => stderr.push(l) })).toBe(USAGE_EXIT_CODE);
    expect(USAGE_EXIT_CODE).toBe(64);
    expect(stderr.join('\n')).toContain(WEB_COMMAND.usage);
    expect(WEB_COMMAND.usage).toContain('[--allow-remote]');
    expect(await runWebCommand(['--data-dir', join(base, 'd2')], { stdout: () => {}, stderr: (l) => stderr.push(l), rendererDir: join(base, 'none') })).toBe(1);
    expect(stderr.join('\n')).toContain('npm run build:renderer');
    expect(await runWebCommand(['--host', '0.0.0.0', '--data-dir', join(base, 'd3')], { stdout: () => {}, stderr: (l) => stderr.push(l), rendererDir: join(base, 'none') })).toBe(1);
  });
});

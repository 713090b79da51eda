/**
 * `npm start` as a person runs it (browser mode here: no Electron runtime on this machine): it
 * builds each part once, prints the address, and the server it started does not outlive it,
 * whether npm is stopped with SIGTERM or the launcher is killed outright.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { cpSync, symlinkSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ROOT, tempDir, removeDir } from './support/processes.js';

/**
 * A copy of the checkout to run `npm start` in: its builds rewrite out/, which the other test
 * files running meanwhile load from this checkout. node_modules is shared by a link.
 */
function checkoutCopy(): string {
  const copy = tempDir('checkout');
  dirs.push(copy);
  const skip = new Set(['node_modules', '.git', 'out', 'test-results', 'dist', 'release']);
  cpSync(ROOT, copy, { recursive: true, filter: (src) => !skip.has(relative(ROOT, src).split('/')[0]!) });
  symlinkSync(join(ROOT, 'node_modules'), join(copy, 'node_modules'));
  return copy;
}

const started: ChildProcess[] = [];
const dirs: string[] = [];
afterEach(() => {
  for (const c of started.splice(0)) c.kill('SIGKILL');
  for (const d of dirs.splice(0)) removeDir(d);
});

/** Pids of running `medchat web` servers on this data folder. */
function servers(dataDir: string): number[] {
  try {
    return execFileSync('pgrep', ['-f', `index.js web --port 0 --data-dir ${dataDir}`], { encoding: 'utf8' }).trim().split('\n').filter(Boolean).map(Number);
  } catch {
    return []; // pgrep exits 1 when nothing matches
  }
}

async function until(check: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe('npm start', () => {
  it('builds the engine and the UI once each, and its server stops when npm is stopped or the launcher killed', async () => {
    const checkout = checkoutCopy();
    for (const how of ['SIGTERM to npm', 'SIGKILL to the launcher'] as const) {
      const dataDir = tempDir('start');
      dirs.push(dataDir);
      const npm = spawn('npm', ['start', '--', '--web', '--port', '0', '--data-dir', dataDir], { cwd: checkout, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
      started.push(npm);
      let output = '';
      npm.stdout!.on('data', (d: Buffer) => (output += d.toString()));
      npm.stderr!.on('data', (d: Buffer) => (output += d.toString()));
      await until(() => /^MedChatSecure browser mode: http:\/\/127\.0\.0\.1:\d+\/\?token=\S+$/m.test(output), 120_000, 'the browser-mode address');
      expect(output.match(/^\[start\] Building /gm)).toEqual(['[start] Building ', '[start] Building ']);
      expect(output).toContain('[start] Building the engine (tsc)...');
      expect(output).toContain('[start] Building the user interface (vite)...');
      expect(servers(dataDir)).toHaveLength(1);
      if (how === 'SIGTERM to npm') npm.kill('SIGTERM');
      else execFileSync('pkill', ['-KILL', '-f', `scripts/start.mjs --web --port 0 --data-dir ${dataDir}`]);
      await until(() => servers(dataDir).length === 0, 10_000, `the server to stop after ${how}`);
      if (how === 'SIGKILL to the launcher') npm.kill('SIGTERM');
    }
  }, 300_000);
});

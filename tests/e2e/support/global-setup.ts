/**
 * Before the browser-mode tests: make sure they run against the current code. Rebuilds the Node
 * side (tsc -p tsconfig.node.json) and the UI (vite build) when an output is missing or older than
 * its sources, so an edit in src/ is never tested against a stale out/. Up to date: does nothing.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { CLI_ENTRY, RENDERER_INDEX, REPO_ROOT } from './paths.js';

function newestMtime(paths: string[]): number {
  let newest = 0;
  const visit = (path: string): void => {
    if (!existsSync(path)) return;
    const info = statSync(path);
    if (info.isDirectory()) {
      for (const entry of readdirSync(path)) visit(join(path, entry));
    } else {
      newest = Math.max(newest, info.mtimeMs);
    }
  };
  for (const path of paths) visit(join(REPO_ROOT, path));
  return newest;
}

function stale(output: string, sources: string[]): boolean {
  return !existsSync(output) || statSync(output).mtimeMs < newestMtime(sources);
}

function run(what: string, bin: string, args: string[]): void {
  process.stderr.write(`e2e setup: ${what}\n`);
  const result = spawnSync(process.execPath, [join(REPO_ROOT, 'node_modules', ...bin.split('/')), ...args], {
    cwd: REPO_ROOT,
    stdio: ['ignore', process.stderr, process.stderr],
  });
  if (result.status !== 0) throw new Error(`e2e setup: ${what} failed (exit ${result.status ?? result.signal})`);
}

export default function globalSetup(): void {
  if (stale(CLI_ENTRY, ['src/main', 'src/shared', 'tsconfig.node.json', 'tsconfig.base.json'])) {
    run('building the Node side (tsc -p tsconfig.node.json)', 'typescript/bin/tsc', ['-p', 'tsconfig.node.json']);
  }
  if (stale(RENDERER_INDEX, ['src/renderer', 'src/shared', 'vite.renderer.config.ts'])) {
    run('building the UI (vite build --config vite.renderer.config.ts)', 'vite/bin/vite.js', ['build', '--config', 'vite.renderer.config.ts', '--logLevel', 'warn']);
  }
}

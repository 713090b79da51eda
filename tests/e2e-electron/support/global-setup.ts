/**
 * Before the desktop tests: says once, plainly, when they cannot run here (no Electron runtime),
 * and otherwise that the desktop build exists.
 */
import { existsSync } from 'node:fs';
import { ELECTRON_MAIN } from '../../e2e/support/paths.js';
import { electronRuntime } from './electron-app.js';

export default function globalSetup(): void {
  const runtime = electronRuntime();
  if (!runtime.available) {
    // stderr: stdout may carry a machine-readable report (--reporter=json).
    process.stderr.write(`\n${runtime.reason}\nEvery desktop test below is skipped.\n\n`);
    return;
  }
  if (!existsSync(ELECTRON_MAIN)) {
    throw new Error(`${ELECTRON_MAIN} is missing: run "npm run build:electron" before "npm run test:electron".`);
  }
}

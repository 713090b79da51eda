/**
 * Tests of the desktop app itself (tests/e2e-electron), with Playwright's Electron support
 * (`_electron.launch({ executablePath, args: ['out/main/index.js', '--data-dir', tmp, '--role', R] })`):
 * `npm run test:electron` after `npm run build:electron`. Not part of the default test command.
 *
 * They need the Electron runtime, which cannot be downloaded on the offline development machines:
 * they run only where node_modules/electron/path.txt names an installed binary (found without
 * require('electron'), which would try to download it). Elsewhere every test is reported as skipped
 * with the reason, and globalSetup prints that reason once. Also needed there: better-sqlite3 built
 * for Electron's ABI (`npm start` does it, see scripts/start.mjs) and, on Linux without a display,
 * `xvfb-run npm run test:electron`.
 */
import { defineConfig } from '@playwright/test';

export default defineConfig({
  testDir: 'tests/e2e-electron',
  testMatch: '**/*.spec.ts',
  globalSetup: './tests/e2e-electron/support/global-setup.ts',
  timeout: 90_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  reporter: [['list']],
  outputDir: 'test-results/electron',
  use: { trace: 'retain-on-failure' },
});

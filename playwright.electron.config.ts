/**
 * Tests of the desktop app itself (tests/electron), with Playwright's Electron support
 * (`_electron.launch({ args: ['out/main/index.js', '--data-dir', tmp] })`): `npm run test:electron`
 * after `npm run build:electron`. They need the Electron runtime, which cannot be downloaded on the
 * offline development machines, so they run only where `node_modules/electron/path.txt` names an
 * installed binary; on Linux without a display, under xvfb-run.
 */
import { defineConfig } from '@playwright/test';

export default defineConfig({
  testDir: 'tests/electron',
  timeout: 90_000,
  fullyParallel: false,
  workers: 1,
  reporter: [['list']],
  outputDir: 'test-results/electron',
  use: { trace: 'retain-on-failure' },
});

/**
 * End-to-end tests of the UI in a real browser (tests/e2e), against the browser mode: Debian's
 * Chromium (`playwright install` cannot download browsers here; CHROMIUM_PATH overrides the path).
 * A test starts its own instances, each a child process
 * `node out/node/src/main/cli/index.js web [--role R] --data-dir <fresh tmp> --port 0`, and reads the
 * URL from the one line it prints ("MedChatSecure browser mode: <url>"): the URL carries the
 * per-launch token, so there is no fixed webServer here (tests/e2e/support/browser-mode.ts).
 * globalSetup rebuilds out/node and out/renderer first when they are missing or older than src/.
 *
 * The desktop app's tests are separate: playwright.electron.config.ts (`npm run test:electron`).
 */
import { defineConfig } from '@playwright/test';

export default defineConfig({
  testDir: 'tests/e2e',
  testMatch: '**/*.spec.ts',
  globalSetup: './tests/e2e/support/global-setup.ts',
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  forbidOnly: Boolean(process.env['CI']),
  reporter: [['list']],
  // A folder of its own: Playwright empties outputDir at the start, and npm test keeps other
  // reports (vitest.json, playwright.json) in test-results/.
  outputDir: 'test-results/e2e',
  use: {
    browserName: 'chromium',
    headless: true,
    launchOptions: {
      executablePath: process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    },
    trace: 'retain-on-failure',
  },
});

/**
 * End-to-end tests of the UI in a real browser (tests/e2e), against the browser mode: Debian's
 * Chromium (`playwright install` cannot download browsers here). A test starts its own instance
 * with `node out/node/src/main/cli/index.js web --role doctor --data-dir <tmp> --port 0` and reads
 * the URL from the one line it prints ("MedChatSecure browser mode: <url>"): the URL carries the
 * per-launch token, so there is no fixed webServer here. Run `npm run build && npm run
 * build:renderer` first.
 */
import { defineConfig } from '@playwright/test';

export default defineConfig({
  testDir: 'tests/e2e',
  timeout: 60_000,
  fullyParallel: false,
  workers: 1,
  reporter: [['list']],
  outputDir: 'test-results',
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

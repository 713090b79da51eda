/**
 * `desktop` fixture: launches Electron apps for a test and closes them all afterwards, passed or
 * failed. With skipUnlessElectronInstalled() at the top of a spec, its tests are skipped, with the
 * reason, when the Electron runtime is not installed (offline development machines).
 */
import { test as base } from '@playwright/test';
import { electronRuntime, launchDesktop, type DesktopApp, type Role } from './electron-app.js';

export interface Desktop {
  launch(options: { label: string; role?: Role }): Promise<DesktopApp>;
}

const runtime = electronRuntime();

export const test = base.extend<{ desktop: Desktop }>({
  // eslint-disable-next-line no-empty-pattern -- Playwright needs the destructuring even with no dependencies.
  desktop: async ({}, use, testInfo) => {
    const apps: DesktopApp[] = [];
    try {
      await use({
        async launch(options) {
          const app = await launchDesktop(options);
          apps.push(app);
          return app;
        },
      });
    } finally {
      await Promise.allSettled(apps.map((app) => app.close()));
      if (testInfo.status !== testInfo.expectedStatus) {
        for (const app of apps) await testInfo.attach(`${app.label}.log`, { body: app.log(), contentType: 'text/plain' });
      }
    }
  },
});

/**
 * Call at the top of every spec file: without the runtime, each of its tests is reported as
 * skipped with the plain reason, and nothing tries to launch (or download) Electron.
 */
export function skipUnlessElectronInstalled(): void {
  test.skip(!runtime.available, runtime.available ? 'Electron runtime installed' : runtime.reason);
}

export { expect } from '@playwright/test';

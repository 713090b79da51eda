/**
 * The `apps` fixture: start browser-mode instances (each its own process) and open pages on them,
 * one browser context per page. Teardown runs whether the test passed or not: contexts close, then
 * every instance gets SIGTERM (SIGKILL after 5 s) and loses its temp data directory. On failure each
 * instance's log is attached to the report.
 */
import { test as base, type BrowserContext, type Page, type ViewportSize } from '@playwright/test';
import { startBrowserMode, type BrowserModeInstance, type BrowserModeOptions } from './browser-mode.js';

export interface OpenOptions {
  viewport?: ViewportSize;
}

export interface Apps {
  start(options: BrowserModeOptions): Promise<BrowserModeInstance>;
  /** A fresh context (own sessionStorage) with a page on the instance's printed URL. */
  open(instance: BrowserModeInstance, options?: OpenOptions): Promise<Page>;
  /** A fresh context with a blank page, for navigating somewhere by hand. */
  blankPage(options?: OpenOptions): Promise<Page>;
}

export const DEFAULT_VIEWPORT: ViewportSize = { width: 1280, height: 800 };

export const test = base.extend<{ apps: Apps }>({
  apps: async ({ browser }, use, testInfo) => {
    const instances: BrowserModeInstance[] = [];
    const contexts: BrowserContext[] = [];
    const newPage = async (options?: OpenOptions): Promise<Page> => {
      const context = await browser.newContext({ viewport: options?.viewport ?? DEFAULT_VIEWPORT });
      contexts.push(context);
      return context.newPage();
    };
    const apps: Apps = {
      async start(options) {
        const instance = await startBrowserMode(options);
        instances.push(instance);
        return instance;
      },
      async open(instance, options) {
        const page = await newPage(options);
        await page.goto(instance.url);
        return page;
      },
      blankPage: newPage,
    };
    try {
      await use(apps);
    } finally {
      await Promise.allSettled(contexts.map((context) => context.close()));
      const results = await Promise.allSettled(instances.map((instance) => instance.stop()));
      const failed = testInfo.status !== testInfo.expectedStatus;
      for (const [i, instance] of instances.entries()) {
        const result = results[i];
        const forced = result?.status === 'fulfilled' && result.value.forced;
        if (forced) console.warn(`e2e: browser mode "${instance.label}" ignored SIGTERM and was killed`);
        if (failed || forced) await testInfo.attach(`${instance.label}.log`, { body: instance.log(), contentType: 'text/plain' });
      }
    }
  },
});

export { expect } from '@playwright/test';

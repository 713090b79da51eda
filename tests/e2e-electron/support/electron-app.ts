/**
 * The desktop app under Playwright's Electron support: one Electron process per role, each with
 * its own temp data directory (`out/main/index.js --data-dir <tmp> [--role R]`).
 *
 * The Electron runtime is found WITHOUT `require('electron')`: on a machine where it was never
 * downloaded, that require tries to download it (and fails offline after a while). We read
 * node_modules/electron/path.txt ourselves, the file electron's installer writes next to the binary.
 *
 * Needs: `npm run build:electron` (out/main, out/preload, out/renderer); better-sqlite3 built for
 * Electron's ABI (`npm start` does it once, see scripts/start.mjs); a display (xvfb-run on Linux).
 */
import { _electron as electron, type ElectronApplication, type Page } from '@playwright/test';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ELECTRON_MAIN, REPO_ROOT } from '../../e2e/support/paths.js';

export type Role = 'doctor' | 'patient';

export const ELECTRON_DIR = join(REPO_ROOT, 'node_modules', 'electron');
export const ELECTRON_PATH_FILE = join(ELECTRON_DIR, 'path.txt');

export const RUNTIME_MISSING_REASON =
  'Electron runtime not installed: node_modules/electron/path.txt missing — run on a machine with internet (see README)';

export type ElectronRuntime = { available: true; executablePath: string } | { available: false; reason: string };

export function electronRuntime(): ElectronRuntime {
  if (!existsSync(ELECTRON_PATH_FILE)) return { available: false, reason: RUNTIME_MISSING_REASON };
  const relative = readFileSync(ELECTRON_PATH_FILE, 'utf8').trim();
  const override = process.env['ELECTRON_OVERRIDE_DIST_PATH'];
  const executablePath = override ? join(override, relative || 'electron') : join(ELECTRON_DIR, 'dist', relative);
  if (!relative || !existsSync(executablePath)) {
    return {
      available: false,
      reason: `Electron runtime not installed: ${executablePath} missing (named by node_modules/electron/path.txt) — run on a machine with internet (see README)`,
    };
  }
  return { available: true, executablePath };
}

export interface DesktopApp {
  readonly label: string;
  readonly app: ElectronApplication;
  readonly page: Page;
  readonly dataDir: string;
  /** Everything the main process wrote to stderr (its log). */
  log(): string;
  close(): Promise<void>;
}

/** Content size of the app's window, so screenshots have the same size as the browser mode's. */
export async function setWindowContentSize(desktop: DesktopApp, width: number, height: number): Promise<void> {
  await desktop.app.evaluate(
    ({ BrowserWindow }, size) => {
      const win = BrowserWindow.getAllWindows()[0];
      if (!win) throw new Error('no window');
      win.setMinimumSize(Math.min(size.width, 640), Math.min(size.height, 480));
      win.setContentSize(size.width, size.height);
    },
    { width, height },
  );
}

export async function launchDesktop(options: { label: string; role?: Role }): Promise<DesktopApp> {
  const runtime = electronRuntime();
  if (!runtime.available) throw new Error(runtime.reason);
  if (!existsSync(ELECTRON_MAIN)) throw new Error(`${ELECTRON_MAIN} missing: run "npm run build:electron" first.`);
  const dataDir = mkdtempSync(join(tmpdir(), `medchat-electron-${options.label}-`));
  const app = await electron.launch({
    executablePath: runtime.executablePath,
    args: [ELECTRON_MAIN, '--data-dir', dataDir, ...(options.role ? ['--role', options.role] : [])],
    cwd: REPO_ROOT,
    timeout: 30_000,
  });
  let log = '';
  app.process().stderr?.on('data', (chunk: Buffer) => {
    log = (log + chunk.toString('utf8')).slice(-64 * 1024);
  });
  let closing: Promise<void> | null = null;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      const child = app.process();
      // Closing quits through before-quit: the patient leaves, the doctor says goodbye (≤ 5 s).
      const closed = app.close().then(
        () => true,
        () => false,
      );
      const inTime = await Promise.race([closed, new Promise<boolean>((r) => setTimeout(() => r(false), 10_000))]);
      if (!inTime && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      rmSync(dataDir, { recursive: true, force: true, maxRetries: 3, retryDelay: 100 });
    })();
    return closing;
  };
  try {
    const page = await app.firstWindow({ timeout: 30_000 });
    await page.waitForLoadState('domcontentloaded');
    return { label: options.label, app, page, dataDir, log: () => log, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/**
 * Electron main process: the desktop shell. The only Node code that imports Electron; everything
 * it runs (handlers, runtime, engine) is the same code the CLI, the browser mode and the tests use.
 *
 *   electron out/main/index.js [--role doctor|patient] [--data-dir DIR]   (SHELL_COMMAND below)
 *
 * One instance per data directory (Electron's single-instance lock lives in userData): a doctor and
 * a patient on one machine use two data directories. Without --role, the UI's first screen asks.
 * Closing the window ends the session properly before quitting: a patient leaves (opcode 90), a
 * doctor tells its patients (opcode 60).
 *
 * The log goes to <data directory>/logs/medchat.log (rotated, src/main/service/log.ts) and stderr.
 */
import { app, BrowserWindow, Notification, safeStorage, session } from 'electron';
import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Role } from '../../shared/contract.js';
import { defineCommand } from '../cli/args.js';
import { AppRuntime } from '../ipc/runtime.js';
import { openAppLog, stderrLog } from '../service/log.js';
import type { ServiceEvent } from '../service/services.js';
import { forwardEvents, registerIpcHandlers } from './ipc-main.js';
import { devServerUrl } from './renderer-origin.js';
import { registerRendererScheme, serveRendererFiles } from './renderer-protocol.js';
import { createSafeStorageVault } from './safe-storage-vault.js';
import { guardWebContents, hardenSession } from './security.js';
import { createMainWindow, defaultWindowPaths } from './window.js';

const SHUTDOWN_TIMEOUT_MS = 5000;

/** The shell's own flags; Electron and Chromium add flags of their own, so unknown ones pass. */
const SHELL_COMMAND = defineCommand({
  name: 'electron out/main/index.js',
  options: {
    role: { type: 'string', choices: ['doctor', 'patient'] },
    'data-dir': { type: 'string', value: 'DIR' },
  },
});

function readArgs(argv: readonly string[]): { role?: Role; dataDir?: string; ignored: string[] } {
  const { values, ignored } = SHELL_COMMAND.parseLenient(argv);
  return { role: values.role, dataDir: values['data-dir'] === undefined ? undefined : resolve(values['data-dir']), ignored };
}

const mainDir = dirname(fileURLToPath(import.meta.url));
const args = readArgs(process.argv.slice(1));
const devServer = devServerUrl(process.env, app.isPackaged);

if (args.dataDir) app.setPath('userData', args.dataDir);
// Opened first, so every line from here on (a refused second instance too) is in the file.
const appLog = openAppLog(app.getPath('userData'), { echo: stderrLog('[medchat] ') });
const log = appLog.log;
for (const line of args.ignored) log(`ignoring ${line}.`);
app.enableSandbox();
registerRendererScheme();
guardWebContents(devServer);

let runtime: AppRuntime | null = null;
let mainWindow: BrowserWindow | null = null;
let shutdown: 'running' | 'stopping' | 'done' = 'running';

if (!app.requestSingleInstanceLock()) {
  log('another MedChatSecure window already uses this data directory; focusing it.');
  app.quit();
} else {
  app.on('second-instance', () => {
    if (!mainWindow || mainWindow.isDestroyed()) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  });
  app.on('window-all-closed', () => app.quit());
  // Ctrl+C in the terminal that started the app, or a service manager's SIGTERM: quit through
  // before-quit, so the session ends properly as when the window is closed.
  process.on('SIGINT', () => app.quit());
  process.on('SIGTERM', () => app.quit());
  app.on('before-quit', (event) => {
    if (shutdown === 'done' || !runtime) return;
    event.preventDefault();
    if (shutdown === 'stopping') return;
    shutdown = 'stopping';
    void stopRuntime(runtime).finally(() => {
      shutdown = 'done';
      log('stopped.');
      appLog.close();
      app.quit();
    });
  });
  app.whenReady().then(start, (error: unknown) => fail(error));
}

async function start(): Promise<void> {
  try {
    const dataDir = app.getPath('userData');
    log(`MedChatSecure ${app.getVersion()} starting; the application log is ${appLog.path ?? 'stderr only'}.`);
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    if (process.platform === 'win32') app.setAppUserModelId('org.medchatsecure.app');
    hardenSession(session.defaultSession, devServer);
    await serveRendererFiles(join(mainDir, '..', 'renderer'));

    runtime = await AppRuntime.start({
      dataDir,
      shell: 'electron',
      role: args.role,
      keyVaultFor: (roleDir) => createSafeStorageVault(safeStorage, roleDir, log),
      version: app.getVersion(),
      log,
      logPath: appLog.path ?? null,
    });
    registerIpcHandlers(runtime, devServer);
    forwardEvents(runtime, () => mainWindow, devServer, notify);
    mainWindow = createMainWindow(defaultWindowPaths(mainDir), devServer);
    mainWindow.on('closed', () => {
      mainWindow = null;
    });
  } catch (error) {
    fail(error);
  }
}

/** A patient leaves (opcode 90) before the service closes; bounded, so quitting never hangs. */
async function stopRuntime(rt: AppRuntime): Promise<void> {
  const work = (async () => {
    if (rt.role === 'patient') {
      try {
        await rt.patient().leave();
      } catch (error) {
        log(`shutdown: leaving the conference failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    await rt.close();
  })();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolveTimeout) => {
    timer = setTimeout(() => {
      log(`shutdown: still closing after ${SHUTDOWN_TIMEOUT_MS} ms; quitting anyway.`);
      resolveTimeout();
    }, SHUTDOWN_TIMEOUT_MS);
  });
  await Promise.race([work.catch((error: unknown) => log(`shutdown: ${error instanceof Error ? error.message : String(error)}`)), timeout]);
  clearTimeout(timer);
}

/**
 * A native notification for a new message while the window is in the background. It says that a
 * message arrived, not what it says: medical text does not belong on a lock screen.
 */
function notify(event: ServiceEvent): void {
  if (event.channel !== 'patient.message' || !Notification.isSupported()) return;
  if (mainWindow && !mainWindow.isDestroyed() && mainWindow.isFocused()) return;
  const note = new Notification({ title: 'MedChatSecure', body: 'New message from your doctor.' });
  note.on('click', () => {
    if (mainWindow && !mainWindow.isDestroyed()) {
      if (mainWindow.isMinimized()) mainWindow.restore();
      mainWindow.focus();
    }
  });
  note.show();
}

function fail(error: unknown): void {
  log(`could not start: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
  shutdown = 'done';
  appLog.close();
  app.exit(1);
}

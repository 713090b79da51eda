/**
 * Starts one MedChatSecure browser-mode instance as its own child process, exactly as a person
 * would (`medchat web --data-dir <fresh temp dir> --port 0`), reads the one URL line it prints, and
 * stops it: SIGTERM first (the app then says goodbye to its peers), SIGKILL if it has not exited
 * after a grace period. Each instance gets its own data directory, removed when it stops.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI_ENTRY, RENDERER_INDEX, REPO_ROOT } from './paths.js';

export type Role = 'doctor' | 'patient';

export interface BrowserModeOptions {
  /** Passed as --role; without it the UI shows the role chooser. */
  role?: Role;
  /** A short name for logs and the temp directory, e.g. "doctor" or "alice". */
  label: string;
  /** How long to wait for the URL line. */
  startTimeoutMs?: number;
  /** A data folder of the caller's (kept at stop), e.g. to start the same instance again. */
  dataDir?: string;
}

export interface BrowserModeInstance {
  readonly label: string;
  /** http://127.0.0.1:PORT/?token=TOKEN, as printed. */
  readonly url: string;
  /** http://127.0.0.1:PORT */
  readonly origin: string;
  readonly port: number;
  readonly token: string;
  readonly dataDir: string;
  readonly pid: number;
  /** Everything the process wrote to stderr so far (its log). */
  log(): string;
  /** SIGTERM, then SIGKILL after `graceMs`; removes the data directory. Safe to call twice. */
  stop(graceMs?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null; forced: boolean }>;
}

export const URL_LINE = /^MedChatSecure browser mode: (http:\/\/127\.0\.0\.1:(\d+)\/\?token=([A-Za-z0-9_-]{43}))$/;
const MAX_LOG_CHARS = 64 * 1024;

/** Children still running, killed outright if the test runner itself exits without teardown. */
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

export function assertBuilt(): void {
  const missing = [CLI_ENTRY, RENDERER_INDEX].filter((file) => !existsSync(file));
  if (missing.length > 0) {
    throw new Error(
      `The app is not built (${missing.join(', ')} missing): run "npx tsc -p tsconfig.node.json && npm run build:renderer" first.`,
    );
  }
}

function exited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

function waitForExit(child: ChildProcess, ms: number): Promise<boolean> {
  if (exited(child)) return Promise.resolve(true);
  return new Promise((resolveWait) => {
    const timer = setTimeout(() => {
      child.off('exit', onExit);
      resolveWait(false);
    }, ms);
    const onExit = (): void => {
      clearTimeout(timer);
      resolveWait(true);
    };
    child.once('exit', onExit);
  });
}

export async function startBrowserMode(options: BrowserModeOptions): Promise<BrowserModeInstance> {
  assertBuilt();
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), `medchat-e2e-${options.label.replace(/[^a-z0-9-]/gi, '_')}-`));
  const args = [CLI_ENTRY, 'web', ...(options.role ? ['--role', options.role] : []), '--data-dir', dataDir, '--port', '0'];
  const child = spawn(process.execPath, args, { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env } });
  running.add(child);
  child.once('exit', () => running.delete(child));

  let log = '';
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (chunk: string) => {
    log = (log + chunk).slice(-MAX_LOG_CHARS);
  });

  let stopping: ReturnType<BrowserModeInstance['stop']> | null = null;
  const stop = (graceMs = 5000): ReturnType<BrowserModeInstance['stop']> => {
    stopping ??= (async () => {
      let forced = false;
      if (!exited(child)) {
        child.kill('SIGTERM');
        if (!(await waitForExit(child, graceMs))) {
          forced = true;
          child.kill('SIGKILL');
          await waitForExit(child, 5000);
        }
      }
      if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true, maxRetries: 3, retryDelay: 100 });
      return { code: child.exitCode, signal: child.signalCode, forced };
    })();
    return stopping;
  };

  try {
    const match = await new Promise<RegExpMatchArray>((resolveUrl, rejectUrl) => {
      const timeoutMs = options.startTimeoutMs ?? 20_000;
      let buffered = '';
      const fail = (why: string): void => {
        cleanup();
        rejectUrl(new Error(`browser mode "${options.label}" did not start: ${why}\n--- its stderr ---\n${log}`));
      };
      const timer = setTimeout(() => fail(`no URL line within ${timeoutMs} ms`), timeoutMs);
      const onData = (chunk: string): void => {
        buffered += chunk;
        let newline: number;
        while ((newline = buffered.indexOf('\n')) >= 0) {
          const line = buffered.slice(0, newline).replace(/\r$/, '');
          buffered = buffered.slice(newline + 1);
          const found = URL_LINE.exec(line);
          if (found) {
            cleanup();
            resolveUrl(found);
            return;
          }
        }
      };
      const onExit = (code: number | null, signal: NodeJS.Signals | null): void => fail(`it exited (code ${code}, signal ${signal})`);
      const onError = (error: Error): void => fail(error.message);
      const cleanup = (): void => {
        clearTimeout(timer);
        child.stdout!.off('data', onData);
        child.off('exit', onExit);
        child.off('error', onError);
      };
      child.stdout!.setEncoding('utf8');
      child.stdout!.on('data', onData);
      child.once('exit', onExit);
      child.once('error', onError);
    });
    // Keep draining stdout so the child never blocks on a full pipe.
    child.stdout!.resume();
    const url = match[1]!;
    const port = Number(match[2]);
    return {
      label: options.label,
      url,
      origin: `http://127.0.0.1:${port}`,
      port,
      token: match[3]!,
      dataDir,
      pid: child.pid!,
      log: () => log,
      stop,
    };
  } catch (error) {
    await stop(1000);
    throw error;
  }
}

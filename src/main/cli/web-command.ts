/**
 * `medchat web` (its options: WEB_COMMAND): starts the browser mode (src/main/web), prints one
 * line with its URL on stdout, and runs until SIGINT or SIGTERM, then shuts down in order (bridge,
 * HTTP server, service: the doctor tells its patients, a patient leaves). What it logs goes to the
 * data folder's application log (logs/medchat.log, src/main/service/log.ts) and to stderr.
 */
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Role } from '../../shared/contract.js';
import { BrowserModeError, startBrowserMode, type BrowserMode } from '../web/browser-mode.js';
import { openAppLog, type AppLog } from '../service/log.js';
import { defaultDataDir } from '../service/paths.js';
import { ServiceError } from '../service/services.js';
import { defineCommand, port, USAGE_EXIT_CODE, UsageError } from './args.js';

export const WEB_COMMAND = defineCommand({
  name: 'medchat web',
  options: {
    role: { type: 'string', choices: ['doctor', 'patient'] },
    'data-dir': { type: 'string', value: 'DIR' },
    host: { type: 'string', value: '127.0.0.1' },
    port: { type: 'string', value: 'N' },
    'allow-remote': { type: 'boolean' },
  },
  notes: 'Serves the MedChatSecure UI to a local browser. Prints the URL (with its one-time token) and\nruns until Ctrl+C.',
});

export interface WebCommandOptions {
  role?: Role;
  dataDir: string;
  host?: string;
  port?: number;
  allowRemote: boolean;
}

export function parseWebArgs(argv: readonly string[]): WebCommandOptions | 'help' {
  const values = WEB_COMMAND.parse(argv);
  if (values.help) return 'help';
  return {
    ...(values.role !== undefined ? { role: values.role } : {}),
    dataDir: values['data-dir'] !== undefined ? resolve(values['data-dir']) : defaultDataDir(),
    ...(values.host !== undefined ? { host: values.host } : {}),
    ...(values.port !== undefined ? { port: port(values.port, 0, true) } : {}),
    allowRemote: values['allow-remote'] === true,
  };
}

/** Where the command writes and what stops it; process stdout/stderr and signals by default. */
export interface WebCommandContext {
  stdout?: (line: string) => void;
  stderr?: (line: string) => void;
  /** Resolves with a reason when the command should stop (SIGINT/SIGTERM by default). */
  untilStopped?: () => Promise<string>;
  /** The built UI to serve; out/renderer of this app by default. */
  rendererDir?: string;
}

function waitForSignal(): Promise<string> {
  return new Promise((resolveSignal) => {
    const onSignal = (signal: string): void => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      process.off('disconnect', onParentGone);
      resolveSignal(signal);
    };
    // Started by `npm start` (scripts/start.mjs) with an IPC channel: the channel closes when that
    // launcher dies in any way, even SIGKILL, and the server must not outlive it.
    const onParentGone = (): void => onSignal('the launcher exited');
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    if (process.channel) {
      process.once('disconnect', onParentGone);
      process.channel.unref(); // the channel alone must not keep the process alive after the stop
    }
  });
}

/** Runs `medchat web`; returns the process exit code. */
export async function runWebCommand(argv: string[], io: WebCommandContext = {}): Promise<number> {
  const out = io.stdout ?? ((line: string) => process.stdout.write(line + '\n'));
  const err = io.stderr ?? ((line: string) => process.stderr.write(line + '\n'));
  let options: WebCommandOptions | 'help';
  try {
    options = parseWebArgs(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    err(`medchat web: ${error.message}`);
    err(WEB_COMMAND.usage);
    return USAGE_EXIT_CODE;
  }
  if (options === 'help') {
    out(WEB_COMMAND.usage);
    return 0;
  }

  // Creates the data folder (0700) with its logs/ folder; when it cannot, stderr is the log.
  const appLog = openAppLog(options.dataDir, { echo: err });
  try {
    return await serve(options, io, out, appLog);
  } finally {
    appLog.close();
  }
}

async function serve(options: WebCommandOptions, io: WebCommandContext, out: (line: string) => void, appLog: AppLog): Promise<number> {
  const log = appLog.log;
  let mode: BrowserMode;
  try {
    mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
    if (appLog.path) log(`medchat web: starting; the application log is ${appLog.path}`);
    mode = await startBrowserMode({ role: options.role, dataDir: options.dataDir, host: options.host, port: options.port, allowRemote: options.allowRemote, rendererDir: io.rendererDir, log, logPath: appLog.path ?? null });
  } catch (error) {
    if (error instanceof BrowserModeError || error instanceof ServiceError) {
      log(`medchat web: ${error.message}`);
      return 1;
    }
    const code = (error as { code?: unknown }).code;
    if (code === 'EADDRINUSE') {
      log(`medchat web: port ${options.port ?? 0} is already in use; choose another with --port, or --port 0 for any free port.`);
      return 1;
    }
    if (code === 'EACCES' || code === 'EPERM') {
      log(`medchat web: not allowed to use ${options.dataDir} or port ${options.port ?? 0} (${String(code)}).`);
      return 1;
    }
    throw error;
  }
  if (options.allowRemote) log('medchat web: warning: --allow-remote serves plain HTTP; anyone who sees the URL can use this instance.');
  out(`MedChatSecure browser mode: ${mode.url}`);

  const signal = await (io.untilStopped ?? waitForSignal)();
  log(`medchat web: ${signal} received; shutting down.`);
  // A second Ctrl+C while the doctor is saying goodbye forces the exit.
  const force = (): void => process.exit(130);
  process.once('SIGINT', force);
  try {
    await mode.close();
  } finally {
    process.off('SIGINT', force);
  }
  log('medchat web: stopped.');
  return 0;
}

/**
 * `medchat web [--role doctor|patient] [--data-dir DIR] [--host H] [--port N] [--allow-remote]`:
 * starts the browser mode, prints one line with its URL on stdout, and runs until SIGINT or
 * SIGTERM, then shuts down in order (bridge, HTTP server, service: the doctor tells its patients,
 * a patient leaves).
 */
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Role } from '../../shared/contract.js';
import { BrowserModeError, startBrowserMode, type BrowserMode } from './browser-mode.js';
import { defaultDataDir } from './paths.js';
import { ServiceError } from './services.js';

export const WEB_USAGE =
  'Usage: medchat web [--role doctor|patient] [--data-dir DIR] [--host 127.0.0.1] [--port N] [--allow-remote]\n' +
  '  Serves the MedChatSecure UI to a local browser. Prints the URL (with its one-time token) and runs until Ctrl+C.';

export interface WebCommandOptions {
  role?: Role;
  dataDir: string;
  host?: string;
  port?: number;
  allowRemote: boolean;
}

export class UsageError extends Error {}

function valueOf(argv: string[], i: number, flag: string): string {
  const value = argv[i + 1];
  if (value === undefined || value.startsWith('--')) throw new UsageError(`${flag} needs a value.`);
  return value;
}

export function parseWebArgs(argv: readonly string[]): WebCommandOptions | 'help' {
  const args = [...argv];
  const options: WebCommandOptions = { dataDir: defaultDataDir(), allowRemote: false };
  for (let i = 0; i < args.length; i++) {
    const raw = args[i]!;
    const eq = raw.indexOf('=');
    const [flag, inline] = raw.startsWith('--') && eq > 0 ? [raw.slice(0, eq), raw.slice(eq + 1)] : [raw, undefined];
    const take = (): string => {
      if (inline !== undefined) return inline;
      const value = valueOf(args, i, flag);
      i++;
      return value;
    };
    switch (flag) {
      case '-h':
      case '--help':
        return 'help';
      case '--role': {
        const role = take();
        if (role !== 'doctor' && role !== 'patient') throw new UsageError(`--role must be doctor or patient, not "${role}".`);
        options.role = role;
        break;
      }
      case '--data-dir':
        options.dataDir = resolve(take());
        break;
      case '--host':
        options.host = take();
        break;
      case '--port': {
        const text = take();
        const port = /^[0-9]{1,5}$/.test(text) ? Number(text) : NaN;
        if (!(port >= 0 && port <= 65535)) throw new UsageError(`--port must be a number from 0 to 65535, not "${text}".`);
        options.port = port;
        break;
      }
      case '--allow-remote':
        options.allowRemote = true;
        break;
      default:
        throw new UsageError(`Unknown option "${raw}".`);
    }
  }
  return options;
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
      resolveSignal(signal);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
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
    err(WEB_USAGE);
    return 2;
  }
  if (options === 'help') {
    out(WEB_USAGE);
    return 0;
  }

  let mode: BrowserMode;
  try {
    mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
    mode = await startBrowserMode({ role: options.role, dataDir: options.dataDir, host: options.host, port: options.port, allowRemote: options.allowRemote, rendererDir: io.rendererDir, log: err });
  } catch (error) {
    if (error instanceof BrowserModeError || error instanceof ServiceError) {
      err(`medchat web: ${error.message}`);
      return 1;
    }
    const code = (error as { code?: unknown }).code;
    if (code === 'EADDRINUSE') {
      err(`medchat web: port ${options.port ?? 0} is already in use; choose another with --port, or --port 0 for any free port.`);
      return 1;
    }
    if (code === 'EACCES' || code === 'EPERM') {
      err(`medchat web: not allowed to use ${options.dataDir} or port ${options.port ?? 0} (${String(code)}).`);
      return 1;
    }
    throw error;
  }
  if (options.allowRemote) err('medchat web: warning: --allow-remote serves plain HTTP; anyone who sees the URL can use this instance.');
  out(`MedChatSecure browser mode: ${mode.url}`);

  const signal = await (io.untilStopped ?? waitForSignal)();
  err(`medchat web: ${signal} received; shutting down.`);
  // A second Ctrl+C while the doctor is saying goodbye forces the exit.
  const force = (): void => process.exit(130);
  process.once('SIGINT', force);
  try {
    await mode.close();
  } finally {
    process.off('SIGINT', force);
  }
  return 0;
}

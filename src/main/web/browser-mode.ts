/**
 * The browser mode: the same React UI and the same handlers as the desktop app, for machines
 * without the Electron runtime. A node:http server on the loopback interface serves the built
 * renderer and a token-protected WebSocket bridge (./ws-bridge.ts) in place of IPC.
 *
 * The token is 32 random bytes per launch, printed once in the URL; whoever holds it drives this
 * instance, so the server listens on loopback only unless `allowRemote` is set explicitly.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Role } from '../../shared/contract.js';
import { randomBytes } from '../crypto/random.js';
import { stderrLog } from '../service/log.js';
import { defaultRendererDir } from '../service/paths.js';
import { AppRuntime, type ServiceFactories } from '../ipc/runtime.js';
import { securityHeaders, createStaticFiles } from './static-files.js';
import { BRIDGE_PATH, createBridge } from './ws-bridge.js';

export interface BrowserModeOptions {
  role?: Role | undefined;
  dataDir: string;
  /** Default 127.0.0.1. Anything but a loopback address needs allowRemote. */
  host?: string | undefined;
  /** Default 0: any free port. */
  port?: number | undefined;
  /** Default out/renderer of this app. */
  rendererDir?: string | undefined;
  /** Listen on a non-loopback address. Traffic is plain HTTP, token included: trusted networks only. */
  allowRemote?: boolean | undefined;
  /** The application log (`medchat web` passes the data folder's file log); stderr by default. */
  log?: ((line: string) => void) | undefined;
  /** Where `log` writes (named in errors that send a person to the log); null: stderr only. */
  logPath?: string | null | undefined;
  /** Service factories; the real engine by default (tests pass the real ones with temp dirs). */
  factories?: ServiceFactories | undefined;
}

export interface BrowserMode {
  url: string;
  port: number;
  close(): Promise<void>;
  runtime: AppRuntime;
}

export class BrowserModeError extends Error {
  constructor(
    readonly code: 'NOT_LOOPBACK' | 'RENDERER_NOT_BUILT' | 'BAD_PORT',
    message: string,
  ) {
    super(message);
    this.name = 'BrowserModeError';
  }
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '::1']);

export function isLoopbackHost(host: string): boolean {
  return LOOPBACK_HOSTS.has(host) || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

function base64url(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64url');
}

function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '::') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}

export async function startBrowserMode(options: BrowserModeOptions): Promise<BrowserMode> {
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? 0;
  const log = options.log ?? stderrLog();
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new BrowserModeError('BAD_PORT', `The port must be a whole number from 0 to 65535, not ${port}.`);
  if (!isLoopbackHost(host) && !options.allowRemote) {
    throw new BrowserModeError(
      'NOT_LOOPBACK',
      `The browser mode listens on this computer only (127.0.0.1); "${host}" would expose it to the network.`,
    );
  }
  const rendererDir = options.rendererDir ?? defaultRendererDir();
  if (!existsSync(join(rendererDir, 'index.html'))) {
    throw new BrowserModeError('RENDERER_NOT_BUILT', `The user interface is not built (${join(rendererDir, 'index.html')} is missing); run "npm run build:renderer" first.`);
  }
  const files = await createStaticFiles(rendererDir);
  const runtime = await AppRuntime.start({ role: options.role, dataDir: options.dataDir, shell: 'browser', log, logPath: options.logPath ?? null, factories: options.factories });

  const token = base64url(randomBytes(32));
  const server = createServer();
  let boundPort = 0;
  const ownHosts = (): Set<string> => new Set([`127.0.0.1:${boundPort}`, `localhost:${boundPort}`, `[::1]:${boundPort}`, `${urlHost(host)}:${boundPort}`]);
  const isOwnHost = (value: string): boolean => {
    if (ownHosts().has(value.toLowerCase())) return true;
    // With allowRemote, people reach us by whatever name their network gives this machine.
    return Boolean(options.allowRemote) && value.endsWith(`:${boundPort}`);
  };
  const bridge = createBridge(runtime, { token, isOwnHost });

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const hostHeader = req.headers.host ?? '';
    const headers = securityHeaders(`ws://${isOwnHost(hostHeader) ? hostHeader : `127.0.0.1:${boundPort}`}`);
    if (!isOwnHost(hostHeader)) {
      // A DNS-rebinding page reaches us under a foreign name: answer nothing useful.
      res.writeHead(421, { ...headers, 'Content-Type': 'text/plain; charset=utf-8' });
      res.end('Misdirected request.\n');
      return;
    }
    files.serve(req, res, headers).catch((error: unknown) => {
      // The path only: the query string of the first request carries the launch token.
      const path = (req.url ?? '').split('?')[0]!.slice(0, 200);
      log(`browser mode: serving ${path} failed: ${error instanceof Error ? error.message : String(error)}`);
      if (!res.headersSent) res.writeHead(500, headers);
      res.end();
    });
  });
  server.on('upgrade', (req: IncomingMessage, socket, head: Buffer) => bridge.handleUpgrade(req, socket, head));
  server.on('clientError', (_error, socket) => socket.destroy());

  try {
    await new Promise<void>((resolveListen, rejectListen) => {
      server.once('error', rejectListen);
      server.listen({ host, port, exclusive: true }, () => {
        server.off('error', rejectListen);
        resolveListen();
      });
    });
  } catch (error) {
    await runtime.close();
    throw error;
  }
  const address = server.address();
  boundPort = typeof address === 'object' && address !== null ? address.port : port;
  const url = `http://${urlHost(host)}:${boundPort}/?token=${token}`;

  let closing: Promise<void> | null = null;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      await bridge.close();
      await new Promise<void>((resolveClose) => {
        server.close(() => resolveClose());
        server.closeAllConnections();
      });
      // Last, so the doctor's opcode 60 / the patient's opcode 90 go out even if the UI is gone.
      await runtime.close();
    })();
    return closing;
  };

  return { url, port: boundPort, close, runtime };
}

export { BRIDGE_PATH };

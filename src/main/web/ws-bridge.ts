/**
 * The browser mode's stand-in for Electron IPC: one WebSocket per page at /bridge, carrying the
 * same invoke channels and events as the preload (wire format in ./README.md).
 *
 * Who may connect: a request for /bridge with this launch's token (compared in constant time), a
 * Host header naming this server and an Origin header equal to this server's own origin, so
 * neither another web site open in the same browser nor a DNS-rebinding page can drive the app.
 * What a socket may send: text frames up to 64 KiB holding one JSON request each; a bad frame gets
 * an error reply (or, for an oversized one, closes that socket only), never a crash.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import type { Result } from '../../shared/contract.js';
import { constantTimeEqual } from '../crypto/constant-time.js';
import { handleInvoke } from '../ipc/handlers.js';
import type { AppRuntime } from '../ipc/runtime.js';

export const BRIDGE_PATH = '/bridge';
export const MAX_MESSAGE_BYTES = 64 * 1024;
/** Requests a socket may have running at once; more get a BUSY reply. */
export const MAX_IN_FLIGHT = 32;
export const MAX_SOCKETS = 16;
/** A page that stops reading its events is cut off rather than buffered without bound. */
export const MAX_BUFFERED_BYTES = 8 * 1024 * 1024;

export interface BridgeRequest {
  id: number;
  channel: unknown;
  arg: unknown;
}
export interface BridgeReply {
  id: number | null;
  result: Result<unknown>;
}

export interface BridgeAccess {
  /** The launch token, as it appears in the page URL. */
  token: string;
  /** Whether a Host header value (host:port) names this server. */
  isOwnHost(host: string): boolean;
}

function badRequest(id: number | null, message: string): BridgeReply {
  return { id, result: { ok: false, error: { code: 'BAD_REQUEST', message } } };
}

/** Reads one request frame into a plain record, or says what is wrong with it. */
export function parseRequest(data: RawData, isBinary: boolean): BridgeRequest | BridgeReply {
  if (isBinary) return badRequest(null, 'Requests must be text frames holding JSON.');
  const text = Array.isArray(data) ? Buffer.concat(data).toString('utf8') : Buffer.from(data as ArrayBuffer).toString('utf8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return badRequest(null, 'The request is not valid JSON.');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return badRequest(null, 'The request must be a JSON object.');
  const record = parsed as Record<string, unknown>;
  const id = Object.hasOwn(record, 'id') ? record['id'] : undefined;
  const validId = typeof id === 'number' && Number.isSafeInteger(id) && id >= 0 ? id : null;
  if (validId === null) return badRequest(null, 'The request needs an "id": a whole number of 0 or more.');
  for (const key of Object.keys(record)) {
    if (key !== 'id' && key !== 'channel' && key !== 'arg') return badRequest(validId, `Unknown request field "${key.slice(0, 40)}".`);
  }
  return { id: validId, channel: record['channel'], arg: record['arg'] };
}

function isReply(value: BridgeRequest | BridgeReply): value is BridgeReply {
  return 'result' in value;
}

function send(socket: WebSocket, message: unknown): void {
  if (socket.readyState !== WebSocket.OPEN) return;
  if (socket.bufferedAmount > MAX_BUFFERED_BYTES) {
    socket.close(1013, 'Too far behind');
    return;
  }
  socket.send(JSON.stringify(message));
}

function tokenMatches(expected: Uint8Array, given: string | null): boolean {
  if (given === null) return false;
  return constantTimeEqual(expected, new TextEncoder().encode(given));
}

export interface Bridge {
  /** Routes an HTTP upgrade: accepted only for the bridge path with the token and our origin. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  close(): Promise<void>;
}

export function createBridge(runtime: AppRuntime, access: BridgeAccess): Bridge {
  const expectedToken = new TextEncoder().encode(access.token);
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES, clientTracking: true });

  function refuse(socket: Duplex, status: 400 | 403 | 404 | 503, reason: string): void {
    runtime.log(`browser mode: refused a bridge connection (${reason})`);
    socket.end(`HTTP/1.1 ${status} ${status === 403 ? 'Forbidden' : status === 404 ? 'Not Found' : status === 503 ? 'Service Unavailable' : 'Bad Request'}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    socket.destroy();
  }

  function handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', () => socket.destroy());
    const host = req.headers.host ?? '';
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://bridge.invalid');
    } catch {
      refuse(socket, 400, 'malformed URL');
      return;
    }
    if (url.pathname !== BRIDGE_PATH) return refuse(socket, 404, 'wrong path');
    if (!access.isOwnHost(host)) return refuse(socket, 403, 'foreign Host header');
    if (req.headers.origin !== `http://${host}`) return refuse(socket, 403, 'foreign or missing Origin');
    if (!tokenMatches(expectedToken, url.searchParams.get('token'))) return refuse(socket, 403, 'missing or wrong token');
    if (wss.clients.size >= MAX_SOCKETS) return refuse(socket, 503, 'too many open pages');
    wss.handleUpgrade(req, socket, head, (ws) => attach(ws));
  }

  function attach(ws: WebSocket): void {
    let inFlight = 0;
    const unsubscribe = runtime.subscribe((event) => send(ws, { event: event.channel, payload: event.payload }));
    ws.on('error', (error) => {
      // e.g. a frame over maxPayload: ws closes this socket (1009); the others carry on.
      runtime.log(`browser mode: bridge socket error: ${error.message}`);
    });
    ws.on('close', unsubscribe);
    ws.on('message', (data, isBinary) => {
      const request = parseRequest(data, isBinary);
      if (isReply(request)) {
        send(ws, request);
        return;
      }
      if (inFlight >= MAX_IN_FLIGHT) {
        send(ws, { id: request.id, result: { ok: false, error: { code: 'BUSY', message: 'Too many requests at once; wait for the answers.' } } });
        return;
      }
      inFlight++;
      void handleInvoke(runtime, request.channel, request.arg)
        .then((result) => send(ws, { id: request.id, result }))
        .finally(() => {
          inFlight--;
        });
    });
  }

  async function close(): Promise<void> {
    for (const client of wss.clients) client.close(1001, 'MedChatSecure is shutting down');
    await new Promise<void>((resolveClose) => {
      const timer = setTimeout(() => {
        for (const client of wss.clients) client.terminate();
      }, 1000);
      wss.close(() => {
        clearTimeout(timer);
        resolveClose();
      });
    });
  }

  return { handleUpgrade, close };
}

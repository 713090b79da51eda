/**
 * Renderer process. The one way the UI reaches the engine: `MedchatApi` from src/shared/contract.
 *
 * In the desktop app the preload exposes it as `window.medchat`. In browser mode there is no
 * preload: the main process serves this page at http://127.0.0.1:PORT/?token=TOKEN and answers the
 * same contract over a WebSocket at ws://127.0.0.1:PORT/bridge?token=TOKEN, with JSON text frames
 *   request  { id, channel, arg }     reply { id, result }     event { event, payload }.
 *
 * The socket client never throws at its callers: every call resolves to a Result, so a lost bridge
 * shows up as an inline error next to the action that needed it, and as a banner (BridgeStatus).
 * It does not reconnect: the bridge lives as long as the app, so losing it means the app is gone.
 */
import type { InvokeArg, InvokeChannel, InvokeResult, MedchatApi, Result } from '../shared/contract.js';
import { guardedApi } from '../shared/contract-validate.js';

export type BridgeState = 'connecting' | 'open' | 'lost';

export interface BridgeStatus {
  state: BridgeState;
  /** A sentence for people when state is 'lost', else null. */
  message: string | null;
}

export const BRIDGE_LOST_CODE = 'BRIDGE_LOST';
export const BRIDGE_LOST_MESSAGE = 'Connection to MedChatSecure lost. Restart MedChatSecure, then reload this page.';

/** The subset of the DOM WebSocket the client uses, so tests can hand in a fake. */
export interface SocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(): void;
  onopen: ((ev: Event) => void) | null;
  onclose: ((ev: CloseEvent) => void) | null;
  onerror: ((ev: Event) => void) | null;
  onmessage: ((ev: MessageEvent) => void) | null;
}

export interface SocketApi extends MedchatApi {
  status(): BridgeStatus;
  onStatus(listener: (status: BridgeStatus) => void): () => void;
}

type AnyResult = Result<unknown>;
type Listener = (payload: unknown) => void;

const OPEN = 1;

function lostResult(message: string): AnyResult {
  return { ok: false, error: { code: BRIDGE_LOST_CODE, message } };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isResult(value: unknown): value is AnyResult {
  if (!isRecord(value) || typeof value.ok !== 'boolean') return false;
  // A void result arrives as { ok: true } once JSON has dropped the undefined value.
  if (value.ok) return true;
  return isRecord(value.error) && typeof value.error.message === 'string' && typeof value.error.code === 'string';
}

/**
 * A MedchatApi over one WebSocket. Calls made before the socket opens are queued and sent on open;
 * calls pending when it closes, and every later call, resolve to a BRIDGE_LOST error.
 */
export function createSocketApi(openSocket: () => SocketLike): SocketApi {
  let status: BridgeStatus = { state: 'connecting', message: null };
  const statusListeners = new Set<(status: BridgeStatus) => void>();
  const eventListeners = new Map<string, Set<Listener>>();
  const pending = new Map<number, (result: AnyResult) => void>();
  const queue: string[] = [];
  let nextId = 1;

  const setStatus = (next: BridgeStatus): void => {
    status = next;
    for (const listener of [...statusListeners]) listener(next);
  };

  const fail = (message: string): void => {
    if (status.state === 'lost') return;
    setStatus({ state: 'lost', message });
    queue.length = 0;
    for (const resolve of pending.values()) resolve(lostResult(message));
    pending.clear();
  };

  let socket: SocketLike | null = null;
  try {
    socket = openSocket();
  } catch {
    fail(BRIDGE_LOST_MESSAGE);
  }

  if (socket) {
    const ws = socket;
    ws.onopen = () => {
      if (status.state === 'lost') return;
      setStatus({ state: 'open', message: null });
      for (const frame of queue.splice(0)) ws.send(frame);
    };
    ws.onclose = () => fail(BRIDGE_LOST_MESSAGE);
    ws.onerror = () => fail(BRIDGE_LOST_MESSAGE);
    ws.onmessage = (ev) => {
      if (typeof ev.data !== 'string') return;
      let frame: unknown;
      try {
        frame = JSON.parse(ev.data);
      } catch {
        console.warn('MedChatSecure bridge: ignored a frame that is not JSON');
        return;
      }
      if (!isRecord(frame)) return;
      if (typeof frame.id === 'number') {
        const resolve = pending.get(frame.id);
        if (!resolve) return;
        pending.delete(frame.id);
        resolve(
          isResult(frame.result)
            ? frame.result
            : { ok: false, error: { code: 'BAD_REPLY', message: 'MedChatSecure sent a reply this page cannot read.' } },
        );
        return;
      }
      if (typeof frame.event === 'string') {
        const listeners = eventListeners.get(frame.event);
        if (!listeners) return;
        for (const listener of [...listeners]) {
          try {
            listener(frame.payload);
          } catch (err) {
            console.error('MedChatSecure: an event listener failed', err);
          }
        }
      }
    };
  }

  // The same channel guards as the preload's: the contract's own.
  const api = guardedApi({
    invoke(channel, arg) {
      if (status.state === 'lost' || !socket) return Promise.resolve(lostResult(status.message ?? BRIDGE_LOST_MESSAGE));
      const id = nextId++;
      const frame = JSON.stringify({ id, channel, arg: arg === undefined ? null : arg });
      return new Promise((resolve) => {
        pending.set(id, resolve);
        if (status.state === 'open' && socket && socket.readyState === OPEN) socket.send(frame);
        else queue.push(frame);
      });
    },
    on(channel, listener) {
      let listeners = eventListeners.get(channel);
      if (!listeners) {
        listeners = new Set();
        eventListeners.set(channel, listeners);
      }
      listeners.add(listener);
      return () => {
        eventListeners.get(channel)?.delete(listener);
      };
    },
  });

  return {
    ...api,
    status: () => status,
    onStatus(listener) {
      statusListeners.add(listener);
      return () => {
        statusListeners.delete(listener);
      };
    },
  };
}

const TOKEN_KEY = 'medchat.bridgeToken';

/**
 * Takes the bridge token from ?token=, then removes it from the visible address (and so from
 * history and screenshots). It is kept in this tab's sessionStorage so a reload still connects.
 */
export function takeBridgeToken(): string | null {
  const params = new URLSearchParams(window.location.search);
  const fromUrl = params.get('token');
  if (fromUrl) {
    params.delete('token');
    const rest = params.toString();
    window.history.replaceState(window.history.state, '', window.location.pathname + (rest ? `?${rest}` : '') + window.location.hash);
    try {
      window.sessionStorage.setItem(TOKEN_KEY, fromUrl);
    } catch {
      // Storage may be disabled; the token then lasts until the next reload.
    }
    return fromUrl;
  }
  try {
    return window.sessionStorage.getItem(TOKEN_KEY);
  } catch {
    return null;
  }
}

function createBrowserApi(): SocketApi {
  const token = takeBridgeToken();
  if (!token) {
    const api = createSocketApi(() => {
      throw new Error('no token');
    });
    return withMessage(api, 'Cannot reach MedChatSecure: this page was opened without its access token. Open the link MedChatSecure printed when it started.');
  }
  const scheme = window.location.protocol === 'https:' ? 'wss' : 'ws';
  const url = `${scheme}://${window.location.host}/bridge?token=${encodeURIComponent(token)}`;
  return createSocketApi(() => new WebSocket(url));
}

/** Replaces the generic lost message (used when the socket could not even be created). */
function withMessage(api: SocketApi, message: string): SocketApi {
  const status: BridgeStatus = { state: 'lost', message };
  return {
    ...api,
    invoke: (() => Promise.resolve(lostResult(message))) as MedchatApi['invoke'],
    status: () => status,
    onStatus: () => () => {},
  };
}

let cached: SocketApi | null = null;

const ELECTRON_STATUS: BridgeStatus = { state: 'open', message: null };

/** The API: the preload's `window.medchat` in the desktop app, else the browser-mode socket. */
export function getApi(): SocketApi {
  if (cached) return cached;
  const preload = window.medchat;
  if (preload) {
    const invoke = async <C extends InvokeChannel>(channel: C, arg: InvokeArg<C>): Promise<Result<InvokeResult<C>>> => {
      try {
        return await preload.invoke(channel, arg);
      } catch {
        return { ok: false, error: { code: 'IPC_FAILED', message: 'MedChatSecure did not answer this request. Try again, or restart the app.' } };
      }
    };
    cached = {
      invoke,
      on: (channel, listener) => preload.on(channel, listener),
      status: () => ELECTRON_STATUS,
      onStatus: () => () => {},
    };
  } else {
    cached = createBrowserApi();
  }
  return cached;
}

/**
 * Electron main process. The hardening every window and session gets, whatever it loads:
 * - a strict Content-Security-Policy header on every response (a looser one only for the
 *   `electron-vite dev` server, whose React refresh needs an inline script and a WebSocket);
 * - every permission request and check denied (the UI needs no camera, microphone, geolocation,
 *   notifications from the page, USB, HID or serial: native notifications come from main);
 * - no navigation away from our renderer, no new windows, no <webview>.
 */
import { app, type Session, type WebContents } from 'electron';
import { isOwnRendererUrl, RENDERER_ORIGIN } from './renderer-origin.js';

type HeaderMap = Record<string, string | string[]>;

function withoutCsp(headers: HeaderMap | undefined): HeaderMap {
  const out: HeaderMap = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (name.toLowerCase() !== 'content-security-policy') out[name] = value;
  }
  return out;
}

function devHeaders(headers: HeaderMap | undefined, devServer: URL): HeaderMap {
  const ws = `ws://${devServer.host}`;
  return {
    ...withoutCsp(headers),
    'content-security-policy': [
      `default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self' ${ws}; object-src 'none'; base-uri 'none'; frame-ancestors 'none'`,
    ],
  };
}

export function hardenSession(session: Session, devServer: URL | null): void {
  session.webRequest.onHeadersReceived((details, callback) => {
    if (devServer && details.url.startsWith(`${devServer.origin}/`)) {
      callback({ responseHeaders: devHeaders(details.responseHeaders, devServer) });
      return;
    }
    // Only our own pages load in this app (navigation elsewhere is refused); leave anything else
    // (DevTools, for one) as it is.
    if (!details.url.startsWith(`${RENDERER_ORIGIN}/`)) {
      callback({});
      return;
    }
    // The same policy as RENDERER_CSP (renderer-origin.ts), written out so audits can read it.
    callback({
      responseHeaders: {
        ...withoutCsp(details.responseHeaders),
        'Content-Security-Policy': [
          "default-src 'none'; script-src app://medchat; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
        ],
      },
    });
  });
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  session.setDevicePermissionHandler(() => false);
}

/** Applies to every WebContents the app ever creates (windows, devtools, anything). */
export function guardWebContents(devServer: URL | null): void {
  app.on('web-contents-created', (_event, contents: WebContents) => {
    contents.on('will-navigate', (event, url) => {
      if (!isOwnRendererUrl(url, devServer)) event.preventDefault();
    });
    contents.on('will-redirect', (event, url) => {
      if (!isOwnRendererUrl(url, devServer)) event.preventDefault();
    });
    contents.on('will-attach-webview', (event) => event.preventDefault());
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  });
}

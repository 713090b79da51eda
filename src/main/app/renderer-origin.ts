/**
 * Electron main process. Which pages count as "our renderer": the built UI served under the
 * privileged app://medchat/ scheme (./renderer-protocol.ts), or, during `electron-vite dev`, the
 * dev server's origin. IPC handlers run only for the top frame of such a page, and events are sent
 * only to it. Pure: no Electron import, so it can be tested under Node.
 */

export const RENDERER_SCHEME = 'app';
export const RENDERER_HOST = 'medchat';
export const RENDERER_ORIGIN = `${RENDERER_SCHEME}://${RENDERER_HOST}`;
export const RENDERER_ENTRY_URL = `${RENDERER_ORIGIN}/index.html`;

/**
 * The production policy for every page of the desktop app: our own files only, no eval, no inline
 * script, no network (the UI talks to the engine through the preload, never over the network).
 * Scripts are allowed from the app's own origin spelled out (app://medchat), which is what 'self'
 * means for our pages, minus its ambiguity: the origin serves only the files of out/renderer.
 */
export const RENDERER_CSP =
  "default-src 'none'; script-src app://medchat; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; " +
  "object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/** The dev server URL electron-vite passes in development, when it is a loopback http URL. */
export function devServerUrl(env: Record<string, string | undefined>, isPackaged: boolean): URL | null {
  const raw = env['ELECTRON_RENDERER_URL'];
  if (isPackaged || !raw) return null;
  try {
    const url = new URL(raw);
    const loopback = url.hostname === 'localhost' || url.hostname === '127.0.0.1' || url.hostname === '[::1]';
    return url.protocol === 'http:' && loopback ? url : null;
  } catch {
    return null;
  }
}

/** Whether a frame URL belongs to our renderer (the app:// origin, or the dev server in dev). */
export function isOwnRendererUrl(rawUrl: string, devServer: URL | null): boolean {
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    return false;
  }
  if (url.protocol === `${RENDERER_SCHEME}:` && url.host === RENDERER_HOST) return true;
  return devServer !== null && url.origin === devServer.origin;
}

/** What the IPC guard needs of the frame that sent a call (Electron's WebFrameMain). */
export interface SenderFrame {
  readonly url: string;
  readonly parent: unknown;
}

/**
 * Whether an IPC call may run: it must come from the top frame (never an iframe, whatever its
 * origin) of our own renderer (never a page the window was navigated to), and a frame that is
 * already gone (null) is refused.
 */
export function isTrustedFrame(frame: SenderFrame | null | undefined, devServer: URL | null): boolean {
  return frame != null && frame.parent === null && isOwnRendererUrl(frame.url, devServer);
}

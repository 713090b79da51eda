/**
 * Electron main process. Serves the built UI (out/renderer) under app://medchat/ instead of
 * file://: a page on a custom standard scheme gets its own origin, cannot read other local files,
 * and every response carries our Content-Security-Policy header (file:// responses have no headers
 * to put one in). Path handling is the browser mode's (static-files.ts): nothing outside the folder.
 */
import { protocol } from 'electron';
import { readFile, realpath } from 'node:fs/promises';
import { contentTypeFor, resolveInside } from '../web/static-files.js';
import { RENDERER_CSP, RENDERER_HOST, RENDERER_SCHEME } from './renderer-origin.js';

/**
 * Must run before the app is ready (and once: a second call replaces the first). app:// behaves
 * like https: a standard, secure origin. corsEnabled lets the page load its own ES module scripts
 * (module scripts are fetched in CORS mode); no response carries Access-Control-Allow-Origin, so
 * no other origin can read ours.
 */
export function registerRendererScheme(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: RENDERER_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true } },
  ]);
}

const RESPONSE_HEADERS = {
  'Content-Security-Policy': RENDERER_CSP,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cache-Control': 'no-store',
};

function notFound(): Response {
  return new Response('Not found.', { status: 404, headers: { ...RESPONSE_HEADERS, 'Content-Type': 'text/plain; charset=utf-8' } });
}

/** After ready: answers app://medchat/<path> from rendererDir. */
export async function serveRendererFiles(rendererDir: string): Promise<void> {
  const root = await realpath(rendererDir);
  protocol.handle(RENDERER_SCHEME, async (request) => {
    const url = new URL(request.url);
    if (url.host !== RENDERER_HOST || request.method !== 'GET') return notFound();
    const file = await resolveInside(root, url.pathname);
    if (!file) return notFound();
    const body = await readFile(file);
    return new Response(body, { status: 200, headers: { ...RESPONSE_HEADERS, 'Content-Type': contentTypeFor(file) } });
  });
}

/**
 * Serves the built renderer (out/renderer) to the browser mode: GET and HEAD only, files inside the
 * renderer folder only (no "..", no encoded separators, no symlink leading out), a fixed list of
 * content types, and the security headers on every answer.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readFile, realpath, stat } from 'node:fs/promises';
import { extname, isAbsolute, relative, resolve, sep } from 'node:path';

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.txt': 'text/plain; charset=utf-8',
};

/**
 * The browser mode's Content-Security-Policy: our own scripts and styles only, no eval, no inline
 * script, no framing, and WebSocket connections to this server alone.
 */
export function contentSecurityPolicy(wsOrigin: string): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    `connect-src 'self' ${wsOrigin}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

export function securityHeaders(wsOrigin: string): Record<string, string> {
  return {
    'Content-Security-Policy': contentSecurityPolicy(wsOrigin),
    'X-Content-Type-Options': 'nosniff',
    // The page URL carries the launch token: never send it anywhere as a referrer.
    'Referrer-Policy': 'no-referrer',
    'X-Frame-Options': 'DENY',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
    'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), usb=(), serial=(), hid=()',
    'Cache-Control': 'no-store',
  };
}

export function contentTypeFor(path: string): string {
  return CONTENT_TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream';
}

function plain(res: ServerResponse, status: number, body: string, headers: Record<string, string>): void {
  res.writeHead(status, { ...headers, 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

/**
 * Maps a URL path (still percent-encoded) to a file under realRoot (a realpath), or null when it
 * could point anywhere else. The check runs on the decoded path and again on the real path, so
 * neither "%2e%2e%2f" nor a symlink escapes. Shared with the desktop app's app:// protocol.
 */
export async function resolveInside(realRoot: string, urlPath: string): Promise<string | null> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return null;
  const wanted = decoded === '/' || decoded === '' ? '/index.html' : decoded;
  const candidate = resolve(realRoot, '.' + wanted);
  const rel = relative(realRoot, candidate);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) return null;
  try {
    const real = await realpath(candidate);
    if (!real.startsWith(realRoot + sep)) return null;
    const info = await stat(real);
    return info.isFile() ? real : null;
  } catch {
    return null;
  }
}

export interface StaticFiles {
  serve(req: IncomingMessage, res: ServerResponse, headers: Record<string, string>): Promise<void>;
}

export async function createStaticFiles(rendererDir: string): Promise<StaticFiles> {
  const realRoot = await realpath(rendererDir);
  return {
    async serve(req, res, headers) {
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        plain(res, 405, 'Method not allowed.\n', { ...headers, Allow: 'GET, HEAD' });
        return;
      }
      const pathname = (req.url ?? '/').split('?')[0] ?? '/';
      const file = await resolveInside(realRoot, pathname);
      if (!file) {
        plain(res, 404, 'Not found.\n', headers);
        return;
      }
      const body = await readFile(file);
      res.writeHead(200, { ...headers, 'Content-Type': contentTypeFor(file), 'Content-Length': body.length });
      res.end(req.method === 'HEAD' ? undefined : body);
    },
  };
}

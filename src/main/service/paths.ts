/**
 * Where the browser mode and the CLI keep their data by default: the platform's per-user
 * application data folder. On Windows and macOS this is the folder Electron's
 * app.getPath('userData') gives the desktop app; on Linux Electron uses ~/.config/MedChatSecure
 * while the CLI follows the XDG data directory (~/.local/share/MedChatSecure), so pass --data-dir
 * to make the shells share one directory there.
 */
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, win32 } from 'node:path';
import { fileURLToPath } from 'node:url';

export const APP_DIR_NAME = 'MedChatSecure';

export interface PlatformEnv {
  platform: NodeJS.Platform;
  env: Record<string, string | undefined>;
  home: string;
}

export function defaultDataDir(
  { platform, env, home }: PlatformEnv = { platform: process.platform, env: process.env, home: homedir() },
): string {
  if (platform === 'win32') {
    return win32.join(env['APPDATA'] || win32.join(home, 'AppData', 'Roaming'), APP_DIR_NAME);
  }
  if (platform === 'darwin') {
    return join(home, 'Library', 'Application Support', APP_DIR_NAME);
  }
  const xdgData = env['XDG_DATA_HOME'];
  return join(xdgData && xdgData.startsWith('/') ? xdgData : join(home, '.local', 'share'), APP_DIR_NAME);
}

interface AppPackage {
  root: string;
  version: string;
}

let cachedPackage: AppPackage | undefined;

/**
 * This program's own package.json: the nearest one named "medchatsecure" above this module (the
 * repo root for tsc output and tests, the app folder inside a package).
 */
function findAppPackage(): AppPackage {
  if (cachedPackage) return cachedPackage;
  const start = dirname(fileURLToPath(import.meta.url));
  let dir = start;
  for (let i = 0; i < 8; i++) {
    const candidate = join(dir, 'package.json');
    if (existsSync(candidate)) {
      try {
        const pkg = JSON.parse(readFileSync(candidate, 'utf8')) as { name?: unknown; version?: unknown };
        if (pkg.name === 'medchatsecure' && typeof pkg.version === 'string') {
          cachedPackage = { root: dir, version: pkg.version };
          return cachedPackage;
        }
      } catch {
        // not ours or unreadable: keep looking upwards
      }
    }
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  cachedPackage = { root: process.cwd(), version: '0.0.0' };
  return cachedPackage;
}

export function readAppVersion(): string {
  return findAppPackage().version;
}

/** The folder holding package.json and out/ (the repo root in a checkout). */
export function appRoot(): string {
  return findAppPackage().root;
}

/** Where `npm run build:renderer` puts the UI that both the desktop app and the browser mode load. */
export function defaultRendererDir(): string {
  return join(appRoot(), 'out', 'renderer');
}

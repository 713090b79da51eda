/**
 * Where the end-to-end tests find the app: the repository root and the built entry points they
 * start. Shared by the browser-mode tests (tests/e2e) and the desktop ones (tests/e2e-electron).
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
/** `medchat` built by `tsc -p tsconfig.node.json` (the CLI, whose `web` command is the browser mode). */
export const CLI_ENTRY = join(REPO_ROOT, 'out', 'node', 'src', 'main', 'cli', 'index.js');
/** The UI built by `npm run build:renderer`; the browser mode serves it. */
export const RENDERER_INDEX = join(REPO_ROOT, 'out', 'renderer', 'index.html');
/** The desktop app's main process, built by `npm run build:electron`. */
export const ELECTRON_MAIN = join(REPO_ROOT, 'out', 'main', 'index.js');
/**
 * Where the conference test writes its screenshots: test-results/screenshots, so a test run
 * leaves the checkout clean. `MEDCHAT_SCREENSHOT_DIR=docs/screenshots npx playwright test`
 * refreshes the README's pictures.
 */
export const SCREENSHOT_DIR = process.env['MEDCHAT_SCREENSHOT_DIR']
  ? join(REPO_ROOT, process.env['MEDCHAT_SCREENSHOT_DIR'])
  : join(REPO_ROOT, 'test-results', 'screenshots');

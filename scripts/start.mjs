#!/usr/bin/env node
/**
 * `npm start [-- --web] [-- --role doctor|patient] [-- --data-dir DIR] [...]`
 *
 * Builds what is needed, then starts the desktop app when the Electron runtime is installed, and
 * the browser mode otherwise (or with --web). Other arguments go to the app.
 *
 * better-sqlite3 is a native module with one build per ABI: Node's (tests, CLI, browser mode) and
 * Electron's (desktop app). Only the Electron path rebuilds it for Electron (electron-builder
 * install-app-deps, which needs Electron's headers from the internet), and it records that in a
 * marker file; the browser path and scripts/setup-tests.sh put Node's build back when the module
 * does not load under Node. So `npm start` and `npm test` both work on one checkout, in any order.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const isWindows = process.platform === 'win32';
const npm = isWindows ? 'npm.cmd' : 'npm';
const sqliteDir = join(root, 'node_modules', 'better-sqlite3');
const abiMarker = join(sqliteDir, 'build', 'Release', '.medchat-abi');
const cliEntry = join(root, 'out', 'node', 'src', 'main', 'cli', 'index.js');

const argv = process.argv.slice(2);
const forceWeb = argv.includes('--web');
const appArgs = argv.filter((a) => a !== '--web');

function say(line) {
  process.stderr.write(`[start] ${line}\n`);
}

function run(command, args, what) {
  say(what);
  // Build chatter goes to stderr: stdout carries only what the app prints (the browser-mode URL).
  const result = spawnSync(command, args, { cwd: root, stdio: ['ignore', process.stderr, process.stderr], shell: isWindows });
  if (result.status !== 0) {
    say(`failed: ${command} ${args.join(' ')} (exit ${result.status ?? result.signal})`);
    process.exit(result.status ?? 1);
  }
}

/** The Electron executable, when node_modules/electron has downloaded one; else null. */
function electronBinary() {
  const electronDir = join(root, 'node_modules', 'electron');
  const pathFile = join(electronDir, 'path.txt');
  if (!existsSync(pathFile)) return null;
  const relative = readFileSync(pathFile, 'utf8').trim();
  if (!relative) return null;
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH;
  const binary = override ? join(override, relative) : join(electronDir, 'dist', relative);
  return existsSync(binary) ? binary : null;
}

function electronVersion() {
  return JSON.parse(readFileSync(join(root, 'node_modules', 'electron', 'package.json'), 'utf8')).version;
}

const sqliteBinary = join(sqliteDir, 'build', 'Release', 'better_sqlite3.node');

/** Identifies the current binary, so a rebuild by anything else (npm rebuild, npm ci) voids the marker. */
function binaryStamp() {
  if (!existsSync(sqliteBinary)) return 'missing';
  const info = statSync(sqliteBinary);
  return `${info.size}:${Math.round(info.mtimeMs)}`;
}

/** "electron-<version>" when start.mjs built the current binary for Electron, else "node". */
function currentAbi() {
  if (!existsSync(abiMarker)) return 'node';
  const [abi, stamp] = readFileSync(abiMarker, 'utf8').trim().split(' ');
  return stamp === binaryStamp() ? abi : 'node';
}

function sqliteLoadsInNode() {
  const probe = spawnSync(process.execPath, ['-e', "new (require('better-sqlite3'))(':memory:').close()"], { cwd: root, stdio: 'ignore' });
  return probe.status === 0;
}

function ensureSqliteForNode() {
  if (currentAbi() === 'node' && sqliteLoadsInNode()) return;
  run(npm, ['rebuild', 'better-sqlite3'], 'Rebuilding better-sqlite3 for Node (it was built for Electron)...');
  rmSync(abiMarker, { force: true });
}

function ensureSqliteForElectron() {
  const wanted = `electron-${electronVersion()}`;
  if (currentAbi() === wanted) return;
  run(npm, ['exec', '--', 'electron-builder', 'install-app-deps'], `Rebuilding native modules for Electron ${electronVersion()} (needs Electron's headers)...`);
  // Offline, install-app-deps can quietly fall back to Node's headers: a build that still loads in
  // Node is not Electron's, and the desktop app would fail to open its database.
  if (sqliteLoadsInNode()) {
    say("better-sqlite3 was rebuilt for Node, not for Electron (were Electron's headers downloadable?). Use `npm start -- --web`, or retry online.");
    process.exit(1);
  }
  writeFileSync(abiMarker, `${wanted} ${binaryStamp()}\n`);
}

/** Runs the child in the foreground; Ctrl+C reaches it directly (same process group). */
function runForeground(command, args, ipc = false) {
  // With an IPC channel, the browser-mode server notices when this launcher dies, however it dies.
  const child = spawn(command, args, { cwd: root, stdio: ipc ? ['inherit', 'inherit', 'inherit', 'ipc'] : 'inherit' });
  // npm does not pass a SIGTERM on: when the npm that started us is gone, stop the app too.
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) forward('SIGTERM');
  }, 500).unref();
  const forward = (signal) => {
    if (child.exitCode === null) child.kill(signal);
  };
  // The terminal already delivers Ctrl+C to the child; the parent only waits for it to finish.
  process.on('SIGINT', () => {});
  process.on('SIGTERM', () => forward('SIGTERM'));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
  child.on('error', (error) => {
    say(`could not start ${command}: ${error.message}`);
    process.exit(1);
  });
}

// Each part once (`npm run build` is both, so it is not used here).
run(npm, ['run', 'build:node'], 'Building the engine (tsc)...');
run(npm, ['run', 'build:renderer'], 'Building the user interface (vite)...');

const electron = forceWeb ? null : electronBinary();
if (electron) {
  run(npm, ['run', 'build:electron'], 'Building the desktop app (electron-vite)...');
  ensureSqliteForElectron();
  say(`Starting the desktop app (Electron ${electronVersion()}).`);
  runForeground(electron, ['.', ...appArgs]);
} else {
  if (!forceWeb) {
    process.stderr.write(
      'The Electron runtime is not installed on this machine (it could not be downloaded); starting the browser mode instead.\n',
    );
  }
  ensureSqliteForNode();
  if (!existsSync(cliEntry)) {
    say(`The command-line entry ${cliEntry} is missing after the build; cannot start the browser mode.`);
    process.exit(1);
  }
  runForeground(process.execPath, [cliEntry, 'web', ...appArgs], true);
}

// Lint rules double as architecture rules: each boundary of docs/architecture.md is enforced
// here, so a stray import fails the test command instead of waiting for review.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

// Which folders may import which modules. Everything not listed may be imported anywhere on the
// Node side; src/shared and src/renderer may import no Node module at all.
const BOUNDARIES = [
  { modules: ['electron'], allowed: ['src/main/app', 'src/preload'] },
  { modules: ['node:crypto', 'crypto'], allowed: ['src/main/crypto'] },
  { modules: ['node:net', 'net', 'node:tls', 'tls'], allowed: ['src/main/net'] },
  { modules: ['node:http', 'http', 'ws'], allowed: ['src/main/net', 'src/main/web'] },
  { modules: ['better-sqlite3'], allowed: ['src/main/store'] },
];

// The layers of src/main, lowest first. A folder may import its own layer and the layers below it,
// never one above: the engine knows none of its front ends, the IPC handlers know no shell, so
// no import cycle can run through the engine's front door (src/main/service).
const LAYERS = [
  ['crypto', 'protocol', 'net', 'store', 'doctor', 'patient', 'service'], // the engine
  ['ipc'], // the contract's handlers and the app runtime
  ['web'], // the browser mode: HTTP server, static files, WebSocket bridge
  ['cli'], // the medchat commands, the argument parser
  ['app'], // the Electron shell
];
const ZONES = [...LAYERS.flat().map((folder) => `src/main/${folder}`), 'src/preload'];

function restrictedFor(zone) {
  return BOUNDARIES.filter((b) => !b.allowed.includes(zone)).flatMap((b) =>
    b.modules.map((name) => ({ name, message: `${name} may only be imported in ${b.allowed.join(' or ')} (docs/architecture.md).` })),
  );
}

/** The src/main folders in layers above the zone's: what it may not import. */
function foldersAbove(zone) {
  const level = LAYERS.findIndex((layer) => layer.some((folder) => zone === `src/main/${folder}`));
  return level < 0 ? [] : LAYERS.slice(level + 1).flat();
}

function layerMessage(zone) {
  return `${zone} may not import src/main/{${foldersAbove(zone).join(',')}}: a layer only imports the layers below it (docs/architecture.md).`;
}

// Relative imports (from any depth of the zone) of a folder above it, static or `export from`...
function layerPatternsFor(zone) {
  const above = foldersAbove(zone);
  if (above.length === 0) return [];
  return [{ regex: `^(\\.\\./)+(main/)?(${above.join('|')})(/|$)`, message: layerMessage(zone) }];
}

// ...and dynamic: import('../ipc/x.js'). (An esquery regex cannot hold a slash: \W stands for it.)
function layerSyntaxFor(zone) {
  const above = foldersAbove(zone);
  if (above.length === 0) return [];
  return [{ selector: `ImportExpression[source.value=/^(\\.\\.\\W)+(main\\W)?(${above.join('|')})(\\W|$)/]`, message: layerMessage(zone) }];
}

const zoneConfigs = [
  {
    files: ['src/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: restrictedFor('src/main') }] },
  },
  ...ZONES.map((zone) => ({
    files: [`${zone}/**/*.ts`],
    rules: {
      'no-restricted-imports': ['error', { paths: restrictedFor(zone), patterns: layerPatternsFor(zone) }],
      'no-restricted-syntax': ['error', ...layerSyntaxFor(zone)],
    },
  })),
  {
    files: ['src/shared/**/*.ts', 'src/renderer/**/*.ts', 'src/renderer/**/*.tsx'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['node:*', 'electron', 'better-sqlite3', 'ws', 'jsbn', '**/main/**', '**/preload/**'],
              message: 'src/shared and src/renderer stay free of Node, Electron and main-process modules.',
            },
          ],
        },
      ],
    },
  },
];

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'release/**', 'node_modules/**', 'test-results/**', 'playwright-report/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-eval': 'error',
      'no-implied-eval': 'error',
      'no-new-func': 'error',
    },
  },
  ...zoneConfigs,
  {
    files: ['src/renderer/**/*.tsx', 'src/renderer/**/*.ts'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: reactHooks.configs.recommended.rules,
  },
);

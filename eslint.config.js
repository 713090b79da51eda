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
  { modules: ['node:http', 'http', 'ws'], allowed: ['src/main/net', 'src/main/ipc'] },
  { modules: ['better-sqlite3'], allowed: ['src/main/store'] },
];
const ZONES = ['src/main/app', 'src/main/crypto', 'src/main/net', 'src/main/ipc', 'src/main/store', 'src/preload'];

function restrictedFor(zone) {
  return BOUNDARIES.filter((b) => !b.allowed.includes(zone)).flatMap((b) =>
    b.modules.map((name) => ({ name, message: `${name} may only be imported in ${b.allowed.join(' or ')} (docs/architecture.md).` })),
  );
}

const zoneConfigs = [
  {
    files: ['src/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: restrictedFor('src/main') }] },
  },
  ...ZONES.map((zone) => ({
    files: [`${zone}/**/*.ts`],
    rules: { 'no-restricted-imports': ['error', { paths: restrictedFor(zone) }] },
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

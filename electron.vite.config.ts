/**
 * `npm run build:electron` (electron-vite build): the desktop app into out/.
 *   main     src/main/app/main.ts -> out/main/index.js (ESM; package.json "main"), plus
 *            out/main/crypto-worker.js and safe-prime-worker.js for the engine's worker threads
 *   preload  src/preload/index.ts -> out/preload/index.cjs (one CommonJS file: a sandboxed preload
 *            can neither import ES modules nor require anything but electron)
 *   renderer src/renderer          -> out/renderer (the same build the browser mode serves)
 * Runtime dependencies (ws, better-sqlite3, @noble/hashes, jsbn) stay external and load from
 * node_modules inside the package; better-sqlite3 must then be built for Electron's ABI
 * (electron-builder install-app-deps), see scripts/start.mjs.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'electron-vite';
import { rendererConfig } from './vite.renderer.config';

const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  main: {
    build: {
      outDir: `${root}out/main`,
      rolldownOptions: {
        // The crypto worker is its own entry: AsyncCrypto starts it as
        // new URL('./crypto-worker.js', import.meta.url), so it and every chunk sit flat in out/main.
        input: {
          index: `${root}src/main/app/main.ts`,
          'crypto-worker': `${root}src/main/crypto/crypto-worker.ts`,
          'safe-prime-worker': `${root}src/main/crypto/safe-prime-worker.ts`,
        },
        output: { entryFileNames: '[name].js', chunkFileNames: '[name]-[hash].js' },
      },
    },
  },
  preload: {
    build: {
      outDir: `${root}out/preload`,
      externalizeDeps: false,
      rolldownOptions: {
        input: { index: `${root}src/preload/index.ts` },
        output: { format: 'cjs', entryFileNames: '[name].cjs', codeSplitting: false },
      },
    },
  },
  renderer: rendererConfig,
});

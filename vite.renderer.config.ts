/**
 * The renderer build on its own (`npm run build:renderer`): the React UI from src/renderer into
 * out/renderer. Both the desktop app (app://medchat/) and the browser mode (http://127.0.0.1:PORT/)
 * load this one build, so asset URLs are relative ('./'). electron.vite.config.ts reuses it.
 */
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import { defineConfig, type UserConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

export const rendererConfig: UserConfig = {
  root: `${root}src/renderer`,
  base: './',
  plugins: [react()],
  // No .env files: nothing configurable may end up in the renderer bundle.
  envDir: false,
  build: {
    outDir: `${root}out/renderer`,
    emptyOutDir: true,
    // The CSP allows our own scripts only: no inline module-preload polyfill, no eval.
    modulePreload: { polyfill: false },
    sourcemap: false,
    target: 'chrome130',
  },
};

export default defineConfig(rendererConfig);

/**
 * Starts one of this folder's worker threads (crypto-worker, safe-prime-worker). Compiled builds
 * run the JS file directly; running from TypeScript sources (the test runner), the worker first
 * registers tsx's loader, then imports the TS file.
 */
import { Worker } from 'node:worker_threads';

export function startWorker(name: 'crypto-worker' | 'safe-prime-worker', workerData: unknown): Worker {
  const fromSource = import.meta.url.endsWith('.ts');
  // A variable, not a literal: bundlers rewrite new URL('literal', import.meta.url) as an asset,
  // while the Electron build emits these workers as entries of their own beside index.js.
  const file = `./${name}.${fromSource ? 'ts' : 'js'}`;
  const url = new URL(file, import.meta.url);
  return fromSource
    ? new Worker(`import('tsx/esm/api').then((m) => { m.register(); return import(${JSON.stringify(url.href)}); });`, {
        eval: true,
        workerData,
      })
    : new Worker(url, { workerData });
}

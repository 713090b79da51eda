/**
 * Safe-prime search raced on several worker threads (safe-prime-worker.ts): every worker searches
 * independently, the first p found wins, and every worker is terminated before the race settles
 * (win, abort, error or crash). A worker that crashes drops out; the race rejects only when all
 * of them have. Progress sums the candidates every worker has tested.
 *
 * The answer is a probable prime from a single cheap round per number: callers must verify q and
 * p at full strength (generateSafePrimeGroup does) before relying on them.
 */
import type { Worker } from 'node:worker_threads';
import { startWorker } from './start-worker.js';
import type { SafePrimeWorkerMessage } from './safe-prime-worker.js';

export interface RaceProgress {
  candidatesTried: number;
  elapsedMs: number;
}

export interface RaceOptions {
  /** Worker threads to race (>= 1). */
  workers: number;
  onProgress?: (progress: RaceProgress) => void;
  signal?: AbortSignal;
  /** Starts one search worker (tests substitute failing ones). Default: safe-prime-worker.ts. */
  spawn?: (bits: number) => Worker;
}

/** Every worker of the race failed (crashed or exited) before one found a safe prime. */
export class SafePrimeWorkersFailed extends Error {
  override name = 'SafePrimeWorkersFailed';
}

let live = 0;

/** Safe-prime workers started and not yet exited (for tests and diagnostics). */
export function liveSafePrimeWorkers(): number {
  return live;
}

export function spawnSafePrimeWorker(bits: number): Worker {
  return startWorker('safe-prime-worker', { bits });
}

export async function raceSafePrime(bits: number, options: RaceOptions): Promise<bigint> {
  if (!Number.isInteger(bits) || bits < 64) throw new RangeError('raceSafePrime: bits must be an integer >= 64');
  if (!Number.isInteger(options.workers) || options.workers < 1) throw new RangeError('raceSafePrime: workers must be an integer >= 1');
  const { signal, onProgress } = options;
  if (signal?.aborted) throw new Error('raceSafePrime: cancelled');
  const started = Date.now();
  const workers: Worker[] = [];
  let onAbort: (() => void) | undefined;
  try {
    return await new Promise<bigint>((resolve, reject) => {
      let tried = 0;
      let running = 0;
      let lastError: Error | undefined;
      let settled = false;
      const settle = (fn: () => void): void => {
        if (settled) return;
        settled = true;
        fn();
      };
      onAbort = () => settle(() => reject(new Error('raceSafePrime: cancelled')));
      signal?.addEventListener('abort', onAbort, { once: true });
      for (let i = 0; i < options.workers; i++) {
        let worker: Worker;
        try {
          worker = (options.spawn ?? spawnSafePrimeWorker)(bits);
        } catch (error) {
          lastError = error instanceof Error ? error : new Error(String(error));
          continue;
        }
        live++;
        worker.once('exit', () => {
          live--;
        });
        workers.push(worker);
        running++;
        worker.on('message', (message: SafePrimeWorkerMessage) => {
          if (settled) return;
          if ('found' in message) {
            settle(() => resolve(message.found));
          } else {
            tried += message.tried;
            try {
              onProgress?.({ candidatesTried: tried, elapsedMs: Date.now() - started });
            } catch (error) {
              settle(() => reject(error));
            }
          }
        });
        worker.on('error', (error) => {
          lastError = error;
        });
        worker.once('exit', (code) => {
          running--;
          if (running === 0) {
            settle(() =>
              reject(new SafePrimeWorkersFailed(`raceSafePrime: every worker failed (last: ${lastError?.message ?? `exit code ${code}`})`)),
            );
          }
        });
      }
      if (running === 0) {
        settle(() => reject(new SafePrimeWorkersFailed(`raceSafePrime: no worker could start (${lastError?.message ?? 'unknown error'})`)));
      }
    });
  } finally {
    if (onAbort) signal?.removeEventListener('abort', onAbort);
    await Promise.all(workers.map((w) => w.terminate().catch(() => undefined)));
  }
}

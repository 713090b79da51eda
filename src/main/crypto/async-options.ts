/** What AsyncCrypto (async-engine.ts) is made with and how its calls fail: options, lanes, errors. */
import type { ModExpBackendName } from './modexp/backend.js';
import type { PerfMetrics } from './metrics.js';

export interface AsyncCryptoOptions {
  /** Worker threads; 0 runs inline. Default: one per core, at most 4. */
  workers?: number;
  backend?: ModExpBackendName;
  metrics?: PerfMetrics;
  /** Background jobs (group validations) running at once. Default 1. */
  maxBackground?: number;
  /** Precomputed entries of each kind per group and worker, made in idle time; 0 = none. Default 8. */
  precompute?: number;
  /** Background jobs waiting to start; beyond this validateGroup rejects with BusyError. Default 4. */
  maxBackgroundQueue?: number;
}

export type Lane = 'normal' | 'background';

/** The background lane is full: try again later. */
export class BusyError extends Error {
  constructor(message = 'AsyncCrypto: too many background jobs queued') {
    super(message);
    this.name = 'BusyError';
  }
}

export function abortError(signal: AbortSignal): Error {
  const error = new Error('AsyncCrypto: aborted', { cause: signal.reason });
  error.name = 'AbortError';
  return error;
}

/** Options of a normal-lane call: `source` names whose work it is, for fair queueing. */
export interface CallOptions {
  source?: string;
}

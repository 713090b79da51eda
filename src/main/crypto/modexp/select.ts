/**
 * Start-up choice of the modular exponentiation backend: each candidate must first pass a
 * self-test of known answers (Fermat, the group order, exponent addition, the edge cases), then
 * the fastest correct one wins. MEDCHAT_MODEXP=native|jsbn|bigint (or the `force` option) picks
 * one outright, still subject to the self-test.
 */
import { FFDHE2048 } from '../groups.js';
import type { ModExpBackend, ModExpBackendName } from './backend.js';
import { bigintBackend } from './bigint.js';
import { jsbnBackend } from './jsbn.js';
import { nativeBackend } from './native.js';

export const BACKENDS: Readonly<Record<ModExpBackendName, ModExpBackend>> = {
  native: nativeBackend,
  jsbn: jsbnBackend,
  bigint: bigintBackend,
};

export function isBackendName(value: unknown): value is ModExpBackendName {
  return value === 'native' || value === 'jsbn' || value === 'bigint';
}

export interface BackendTrial {
  name: ModExpBackendName;
  correct: boolean;
  /** Best of three timings of a 2048-bit base to a 512-bit exponent; NaN when not correct. */
  ms: number;
}

export interface BackendSelection {
  backend: ModExpBackend;
  how: 'forced' | 'fastest';
  trials: BackendTrial[];
}

export function selfTest(backend: ModExpBackend): boolean {
  const { p, q, g } = FFDHE2048;
  try {
    const a = 0x1234567890abcdefn;
    const e1 = (1n << 300n) + 12345n;
    const e2 = (1n << 200n) + 678n;
    return (
      backend.modPow(g, q, p) === 1n &&
      backend.modPow(3n, p - 1n, p) === 1n &&
      backend.modPow(7n, q, p) === p - 1n && // 7 is a non-residue mod ffdhe2048's p
      (backend.modPow(a, e1, p) * backend.modPow(a, e2, p)) % p === backend.modPow(a, e1 + e2, p) &&
      backend.modPow(a, 1n, p) === a &&
      backend.modPow(0n, 5n, p) === 0n &&
      backend.modPow(1n, q, p) === 1n &&
      backend.modPow(p - 1n, 3n, p) === p - 1n &&
      backend.modPow(p - 1n, 2n, p) === 1n &&
      backend.modPow(a, 0n, p) === 1n &&
      backend.modPow(p + 2n, 10n, p) === 1024n
    );
  } catch {
    return false;
  }
}

function timeOne(backend: ModExpBackend): number {
  const { p } = FFDHE2048;
  let best = Infinity;
  for (let i = 0; i < 3; i++) {
    const start = performance.now();
    backend.modPow(p - 12345n - BigInt(i), (1n << 511n) + BigInt(i), p);
    best = Math.min(best, performance.now() - start);
  }
  return best;
}

export function selectBackend(options: { force?: string | undefined } = {}): BackendSelection {
  const forced = options.force ?? process.env['MEDCHAT_MODEXP'];
  if (forced !== undefined && forced !== '') {
    if (!isBackendName(forced)) throw new RangeError(`selectBackend: unknown backend "${forced}" (use native, jsbn or bigint)`);
    const backend = BACKENDS[forced];
    if (!selfTest(backend)) throw new Error(`selectBackend: backend "${forced}" failed its self-test`);
    return { backend, how: 'forced', trials: [{ name: forced, correct: true, ms: timeOne(backend) }] };
  }
  const trials = Object.values(BACKENDS).map((backend): BackendTrial => {
    const correct = selfTest(backend);
    return { name: backend.name, correct, ms: correct ? timeOne(backend) : Number.NaN };
  });
  const best = trials.filter((t) => t.correct).sort((a, b) => a.ms - b.ms)[0];
  if (!best) throw new Error('selectBackend: no modular exponentiation backend passed its self-test');
  return { backend: BACKENDS[best.name], how: 'fastest', trials };
}

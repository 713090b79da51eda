// Safe-prime group generation: OpenSSL's search at 2048 bits (slow, heavy-tailed: observed from
// 3 s to 100 s on a 2-core machine), the pure-JS search at toy sizes, and the choice of generator.
import { describe, expect, it } from 'vitest';
import { jacobiUnsafe } from '../../../src/main/crypto/bigint.js';
import { findSafePrimeJs, generateSafePrimeGroup, generatorFor, type GenerationProgress } from '../../../src/main/crypto/group-generate.js';
import { validateGroup } from '../../../src/main/crypto/group-validate.js';
import { FFDHE2048, FFDHE3072 } from '../../../src/main/crypto/groups.js';
import { BACKENDS } from '../../../src/main/crypto/modexp/select.js';
import { isProbablePrimeJs } from '../../../src/main/crypto/primality.js';
import { referenceModPow } from './helpers.js';

const backend = BACKENDS.native;

describe('generateSafePrimeGroup', () => {
  it(
    'generates a 2048-bit safe-prime group that validateGroup accepts, with progress',
    async () => {
      const progress: GenerationProgress[] = [];
      const group = await generateSafePrimeGroup(2048, backend, { onProgress: (p) => progress.push(p) });
      expect(group.bits).toBe(2048);
      expect(group.name).toBe('custom');
      expect(group.q).toBe((group.p - 1n) / 2n);
      expect([2n, 4n]).toContain(group.g);
      expect(jacobiUnsafe(group.g, group.p)).toBe(1);
      expect(referenceModPow(group.g, group.q, group.p)).toBe(1n);
      const check = await validateGroup(group.p, group.g, backend);
      expect(check.ok && check.group.p).toBe(group.p);

      const phases = progress.map((p) => p.phase);
      expect(phases[0]).toBe('searching');
      expect(phases).toContain('verifying');
      expect(phases.at(-1)).toBe('done');
      const elapsed = progress.map((p) => p.elapsedMs);
      expect([...elapsed].sort((x, y) => x - y)).toEqual(elapsed); // monotonic
    },
    300_000,
  );

  it.each([1024, 2047, 4097, 8192, 2048.5, Number.NaN])('rejects %d bits with RangeError', async (bits) => {
    await expect(generateSafePrimeGroup(bits, backend)).rejects.toThrow(RangeError);
  });

  it('routes forceJs to the JS search (which honours an already aborted signal)', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(generateSafePrimeGroup(2048, backend, { forceJs: true, signal: controller.signal })).rejects.toThrow(/cancelled/);
  });
});

describe('findSafePrimeJs', () => {
  it('finds 128-bit safe primes (p and q prime) and reports progress every 64 candidates', async () => {
    const progress: GenerationProgress[] = [];
    // A search reports progress only once it has tried 64 candidates; a lucky search can finish
    // sooner (a few percent of the time at 128 bits), so run up to five.
    for (let run = 0; run < 5 && progress.length === 0; run++) {
      const p = await findSafePrimeJs(128, BACKENDS.bigint, { onProgress: (x) => progress.push(x) });
      const q = (p - 1n) / 2n;
      expect(p.toString(2)).toHaveLength(128);
      expect(isProbablePrimeJs(p, BACKENDS.bigint)).toBe(true);
      expect(isProbablePrimeJs(q, BACKENDS.bigint)).toBe(true);
      expect(p % 3n).toBe(2n); // q = 2 mod 3 by construction
    }
    expect(progress.length).toBeGreaterThan(0);
    for (const p of progress) {
      expect(p.phase).toBe('searching');
      expect(p.candidatesTried % 64).toBe(0);
    }
  });

  it('finds a 160-bit safe prime', async () => {
    const p = await findSafePrimeJs(160, BACKENDS.native);
    expect(p.toString(2)).toHaveLength(160);
    expect(isProbablePrimeJs(p, BACKENDS.native)).toBe(true);
    expect(isProbablePrimeJs((p - 1n) / 2n, BACKENDS.native)).toBe(true);
  });

  it('rejects sizes below 64 bits and non-integers', async () => {
    await expect(findSafePrimeJs(63, backend)).rejects.toThrow(RangeError);
    await expect(findSafePrimeJs(100.5, backend)).rejects.toThrow(RangeError);
  });

  it('can be cancelled', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(findSafePrimeJs(2048, backend, { signal: controller.signal })).rejects.toThrow(/cancelled/);
  });
});

describe('generatorFor', () => {
  it('is 2 when p = 7 mod 8 (2 is a residue) and 4 otherwise', () => {
    expect(generatorFor(FFDHE2048.p)).toBe(2n);
    expect(generatorFor(FFDHE3072.p)).toBe(2n);
    expect(generatorFor(23n)).toBe(2n);
    expect(generatorFor(11n)).toBe(4n);
  });

  it('always gives a generator of the order-q subgroup for safe primes', () => {
    // Safe primes p = 2q + 1 with q an odd prime (OEIS A005385, from 7).
    for (const p of [7n, 11n, 23n, 47n, 59n, 83n, 107n, 167n, 179n, 227n, 263n, 347n, 359n, 383n]) {
      const q = (p - 1n) / 2n;
      const g = generatorFor(p);
      expect(jacobiUnsafe(g, p), `p = ${p}`).toBe(1);
      expect(referenceModPow(g, q, p), `p = ${p}`).toBe(1n); // order divides q, a prime...
      expect(g % p, `p = ${p}`).not.toBe(1n); // ...and is not 1, so it is q
    }
  });
});

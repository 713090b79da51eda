// The three modular exponentiation backends must agree with each other and with an independent
// reference on every input the engine can produce, and the start-up selection must refuse a
// backend that gets any of its known answers wrong.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { randomBigIntInRange } from '../../../src/main/crypto/bigint.js';
import { FFDHE2048, FFDHE3072 } from '../../../src/main/crypto/groups.js';
import type { ModExpBackend, ModExpBackendName } from '../../../src/main/crypto/modexp/backend.js';
import { BACKENDS, isBackendName, selectBackend, selfTest } from '../../../src/main/crypto/modexp/select.js';
import { referenceModPow } from './helpers.js';

const ALL = Object.values(BACKENDS);
const NAMES: ModExpBackendName[] = ['native', 'jsbn', 'bigint'];
const randomOfBits = (bits: number): bigint => randomBigIntInRange(1n << BigInt(bits - 1), 1n << BigInt(bits));

describe('backends agree', () => {
  it('exports exactly native, jsbn and bigint', () => {
    expect(Object.keys(BACKENDS).sort()).toEqual([...NAMES].sort());
    for (const name of NAMES) expect(BACKENDS[name].name).toBe(name);
  });

  it('on 30 random 2048-bit inputs (jsbn on every fifth: ~70 ms each)', () => {
    const { p } = FFDHE2048;
    for (let i = 0; i < 30; i++) {
      const base = randomBigIntInRange(2n, p - 1n);
      // Mostly full-size exponents, some short, some longer than the modulus.
      const exponent = i % 3 === 0 ? randomOfBits(256) : i % 3 === 1 ? randomBigIntInRange(1n, p) : randomOfBits(2100);
      const expected = BACKENDS.bigint.modPow(base, exponent, p);
      expect(BACKENDS.native.modPow(base, exponent, p)).toBe(expected);
      if (i % 5 === 0) expect(BACKENDS.jsbn.modPow(base, exponent, p)).toBe(expected);
      if (i < 3) expect(referenceModPow(base, exponent, p)).toBe(expected);
    }
  });

  it('on 3 random 3072-bit inputs', () => {
    const { p } = FFDHE3072;
    for (let i = 0; i < 3; i++) {
      const base = randomBigIntInRange(2n, p - 1n);
      const exponent = randomBigIntInRange(1n, p);
      const expected = referenceModPow(base, exponent, p);
      for (const backend of ALL) expect(backend.modPow(base, exponent, p), backend.name).toBe(expected);
    }
  });

  it('on small and even moduli, where native falls back to BigInt', () => {
    const moduli = [2n, 3n, 15n, 97n, 1000n, 65537n, 1n << 64n, (1n << 61n) - 1n, (1n << 127n) - 1n, randomOfBits(511) | 1n];
    for (const m of moduli) {
      for (let i = 0; i < 5; i++) {
        const base = randomBigIntInRange(0n, m * 3n) - m; // includes negative bases and bases >= m
        const exponent = randomBigIntInRange(0n, 1n << 80n);
        const expected = referenceModPow(base, exponent, m);
        for (const backend of ALL) expect(backend.modPow(base, exponent, m), `${backend.name} mod ${m}`).toBe(expected);
      }
    }
  });

  it('on composite odd moduli of 2048 bits, including bases that share a factor with the modulus', () => {
    const a = randomOfBits(1024) | 1n;
    const c = randomOfBits(1024) | 1n;
    const n = a * c; // odd, composite, 2047 or 2048 bits
    const inputs: Array<[bigint, bigint]> = [
      [randomBigIntInRange(2n, n - 1n), randomBigIntInRange(1n, n)],
      [randomBigIntInRange(2n, n - 1n), randomOfBits(300)],
      [a, randomOfBits(512)],
      [c * 3n, 65537n],
      [n - 2n, randomOfBits(100)],
    ];
    for (const [base, exponent] of inputs) {
      const expected = referenceModPow(base, exponent, n);
      expect(BACKENDS.native.modPow(base, exponent, n)).toBe(expected);
      expect(BACKENDS.bigint.modPow(base, exponent, n)).toBe(expected);
    }
    const [base, exponent] = inputs[0]!;
    expect(BACKENDS.jsbn.modPow(base, exponent, n)).toBe(referenceModPow(base, exponent, n));
  });
});

describe('edge cases (the inputs OpenSSL refuses are computed around it)', () => {
  const { p, q } = FFDHE2048;
  const x = 0x1234567890abcdefn;
  const cases: Array<[string, bigint, bigint, bigint]> = [
    ['base 0', 0n, 5n, 0n],
    ['base 0, exponent 0', 0n, 0n, 1n],
    ['base 1', 1n, q, 1n],
    ['base p-1, odd exponent', p - 1n, 3n, p - 1n],
    ['base p-1, even exponent', p - 1n, 2n, 1n],
    ['base p (= 0)', p, 7n, 0n],
    ['base p+1 (= 1)', p + 1n, 7n, 1n],
    ['base p+2 (= 2)', p + 2n, 10n, 1024n],
    ['base -1 (= p-1)', -1n, 5n, p - 1n],
    ['base -2', -2n, 3n, p - 8n],
    ['exponent 0', x, 0n, 1n],
    ['exponent 1', x, 1n, x],
    ['exponent 1, base above p', p + x, 1n, x],
    ['result 1: a residue to the q', 4n, q, 1n],
    ['result p-1: a non-residue to the q', 7n, q, p - 1n],
    ['result 1: Fermat', 7n, p - 1n, 1n],
    ['result 1: exponent a multiple of p-1', 7n, 3n * (p - 1n), 1n],
  ];
  it.each(cases)('%s', (_label, base, exponent, expected) => {
    expect(referenceModPow(base, exponent, p)).toBe(expected); // the expectation itself is right
    for (const backend of ALL) expect(backend.modPow(base, exponent, p), backend.name).toBe(expected);
  });

  it('modulus must be > 1 and exponent >= 0 (RangeError); both must be bigint (TypeError)', () => {
    for (const backend of ALL) {
      expect(() => backend.modPow(2n, 3n, 1n), backend.name).toThrow(RangeError);
      expect(() => backend.modPow(2n, 3n, 0n), backend.name).toThrow(RangeError);
      expect(() => backend.modPow(2n, 3n, -7n), backend.name).toThrow(RangeError);
      expect(() => backend.modPow(2n, -1n, p), backend.name).toThrow(RangeError);
      expect(() => backend.modPow(2n, 3 as unknown as bigint, p), backend.name).toThrow(TypeError);
      expect(() => backend.modPow(2n, 3n, 97 as unknown as bigint), backend.name).toThrow(TypeError);
    }
  });
});

describe('selfTest', () => {
  it.each(NAMES)('passes for %s', (name) => {
    expect(selfTest(BACKENDS[name])).toBe(true);
  });

  const good = BACKENDS.bigint.modPow;
  const broken: Array<[string, ModExpBackend['modPow']]> = [
    ['off by one', (b, e, m) => good(b, e, m) + 1n],
    ['throws', () => {
      throw new Error('broken');
    }],
    ['ignores the exponent above 256 bits', (b, e, m) => good(b, e & ((1n << 256n) - 1n), m)],
    ['wrong only for base p-1', (b, e, m) => (b === m - 1n ? m - 1n : good(b, e, m))],
    ['wrong only for exponent 0', (b, e, m) => (e === 0n ? 0n : good(b, e, m))],
    ['refuses a base above the modulus', (b, e, m) => {
      if (b >= m) throw new RangeError('base too large');
      return good(b, e, m);
    }],
    ['returns 1 for every result OpenSSL refuses', (b, e, m) => (good(b, e, m) === m - 1n ? 1n : good(b, e, m))],
  ];
  it.each(broken)('fails for a backend that %s', (_label, modPow) => {
    expect(selfTest({ name: 'bigint', modPow })).toBe(false);
  });
});

describe('selectBackend', () => {
  let saved: string | undefined;
  beforeEach(() => {
    saved = process.env['MEDCHAT_MODEXP'];
    delete process.env['MEDCHAT_MODEXP'];
  });
  afterEach(() => {
    if (saved === undefined) delete process.env['MEDCHAT_MODEXP'];
    else process.env['MEDCHAT_MODEXP'] = saved;
    vi.restoreAllMocks();
  });

  it('picks native here, as the fastest correct backend (OpenSSL)', () => {
    const selection = selectBackend();
    expect(selection.how).toBe('fastest');
    expect(selection.backend).toBe(BACKENDS.native);
    expect(selection.trials.map((t) => t.name).sort()).toEqual([...NAMES].sort());
    for (const trial of selection.trials) {
      expect(trial.correct, trial.name).toBe(true);
      expect(trial.ms).toBeGreaterThan(0);
    }
  });

  it.each(NAMES)('honours force=%s', (name) => {
    const selection = selectBackend({ force: name });
    expect(selection.how).toBe('forced');
    expect(selection.backend).toBe(BACKENDS[name]);
    expect(selection.trials).toHaveLength(1);
  });

  it('honours MEDCHAT_MODEXP, and force wins over it', () => {
    process.env['MEDCHAT_MODEXP'] = 'bigint';
    expect(selectBackend().backend.name).toBe('bigint');
    expect(selectBackend({ force: 'jsbn' }).backend.name).toBe('jsbn');
    process.env['MEDCHAT_MODEXP'] = '';
    expect(selectBackend().how).toBe('fastest');
  });

  it('rejects unknown names', () => {
    for (const name of ['openssl', 'NATIVE', ' native', 'gmp']) {
      expect(() => selectBackend({ force: name })).toThrow(RangeError);
    }
    process.env['MEDCHAT_MODEXP'] = 'wasm';
    expect(() => selectBackend()).toThrow(/unknown backend "wasm"/);
    expect(isBackendName('native')).toBe(true);
    expect(isBackendName('x')).toBe(false);
    expect(isBackendName(undefined)).toBe(false);
  });

  it('refuses a forced backend that fails its self-test, and passes it over when choosing', () => {
    vi.spyOn(BACKENDS.native, 'modPow').mockImplementation((b, e, m) => BACKENDS.bigint.modPow(b, e, m) + 1n);
    expect(() => selectBackend({ force: 'native' })).toThrow(/failed its self-test/);
    const selection = selectBackend();
    expect(selection.backend.name).not.toBe('native');
    expect(selection.trials.find((t) => t.name === 'native')).toMatchObject({ correct: false });
    expect(Number.isNaN(selection.trials.find((t) => t.name === 'native')!.ms)).toBe(true);
  });
});

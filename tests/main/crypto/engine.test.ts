// CryptoEngine: the primitives bound to one backend, each call recorded under its primitive name.
import { describe, expect, it } from 'vitest';
import { CryptoEngine, defaultBackendSelection } from '../../../src/main/crypto/engine.js';
import { CryptoError } from '../../../src/main/crypto/errors.js';
import { FFDHE2048 } from '../../../src/main/crypto/groups.js';
import { PerfMetrics } from '../../../src/main/crypto/metrics.js';
import { BACKENDS } from '../../../src/main/crypto/modexp/select.js';
import { randomBytes } from '../../../src/main/crypto/random.js';
import type { Primitive } from '../../../src/shared/metrics.js';
import { utf8 } from './helpers.js';

function callCounts(metrics: PerfMetrics): Partial<Record<Primitive, number>> {
  return Object.fromEntries(metrics.snapshot().map((row) => [row.primitive, row.calls]));
}

describe('CryptoEngine', () => {
  it('uses the process-wide default backend (native here) unless given one', () => {
    const saved = process.env['MEDCHAT_MODEXP'];
    delete process.env['MEDCHAT_MODEXP'];
    try {
      expect(defaultBackendSelection()).toBe(defaultBackendSelection()); // chosen once
      expect(new CryptoEngine().backend).toBe(defaultBackendSelection().backend);
      expect(defaultBackendSelection().backend.name).toBe('native');
      expect(new CryptoEngine(BACKENDS.bigint).backend).toBe(BACKENDS.bigint);
    } finally {
      if (saved !== undefined) process.env['MEDCHAT_MODEXP'] = saved;
    }
  });

  it('records every primitive under its name with the right call counts, failures included', async () => {
    const metrics = new PerfMetrics();
    const engine = new CryptoEngine(BACKENDS.native, metrics);
    expect(engine.metrics).toBe(metrics);

    const alice = engine.generateKeyPair(FFDHE2048);
    const bob = engine.generateKeyPair(FFDHE2048);
    const m = utf8('hello');
    const s1 = engine.sign(alice, m);
    engine.sign(alice, m);
    engine.sign(alice, m);
    expect(engine.verify(alice, m, s1)).toBe(true);
    expect(engine.verify(bob, m, s1)).toBe(false);

    const sk = engine.randomSubgroupElement(FFDHE2048); // not a timed primitive
    expect(engine.decrypt(bob, engine.encrypt(bob, sk))).toBe(sk);

    engine.hash(m);
    engine.hash(m);
    engine.hkdf(randomBytes(32), undefined, m, 32); // counted as Hash Computation
    engine.hmac(randomBytes(32), m);
    const keys = engine.deriveSealKeys(randomBytes(32), 'broadcast'); // counted as Hash Computation
    const sealed = engine.seal(keys, m, m);
    engine.seal(keys, m, m);
    expect(engine.open(keys, sealed, m)).toEqual(m);
    const tampered = sealed.slice();
    tampered[0] = tampered[0]! ^ 1;
    expect(() => engine.open(keys, tampered, m)).toThrow(CryptoError); // a failed call still counts
    expect(() => engine.encrypt({ group: FFDHE2048, y: 1n }, sk)).toThrow(CryptoError);

    const check = await engine.validateGroup(FFDHE2048.p, FFDHE2048.g);
    expect(check.ok).toBe(true);
    await expect(engine.generateGroup(1024)).rejects.toThrow(RangeError);

    expect(callCounts(metrics)).toEqual({
      'KeyPair Generation': 2,
      'Signature Generation': 3,
      'Signature Verification': 2,
      'ElGamal Encryption': 2,
      'ElGamal Decryption': 1,
      'Hash Computation': 4,
      'HMAC Computation': 1,
      'AES Encryption': 2,
      'AES Decryption': 2,
      'Group Validation': 1,
      'Group Generation': 1,
    });
    for (const row of metrics.snapshot()) {
      expect(row.totalMs, row.primitive).toBeGreaterThanOrEqual(0);
      expect(row.avgMs, row.primitive).toBeCloseTo(row.totalMs / row.calls, 10);
    }
  });
});

// Idle-time precomputation (issue 9): the worker's stock serves each entry once, only in its own
// group, and AsyncCrypto's workers fill it while idle, up to the depth asked for and no further.
import { afterEach, describe, expect, it } from 'vitest';
import { AsyncCrypto } from '../../../src/main/crypto/async-engine.js';
import { decrypt, encryptionMask, finishEncryption, generateKeyPair, randomSubgroupElement } from '../../../src/main/crypto/elgamal.js';
import { signWithNonce, verify } from '../../../src/main/crypto/elgamal-signature.js';
import { FFDHE2048, FFDHE3072, makeGroup } from '../../../src/main/crypto/groups.js';
import { BACKENDS } from '../../../src/main/crypto/modexp/select.js';
import { MAX_STOCK_DEPTH, PrecomputeStock } from '../../../src/main/crypto/precompute-stock.js';
import { utf8 } from './helpers.js';

const backend = BACKENDS.native;

describe('PrecomputeStock', () => {
  it('hands out each entry once, and they encrypt and sign correctly', () => {
    const stock = new PrecomputeStock(backend);
    for (let i = 0; i < 3; i++) stock.fill(FFDHE2048, 'exponent');
    for (let i = 0; i < 3; i++) stock.fill(FFDHE2048, 'nonce');
    expect(stock.level(FFDHE2048)).toEqual({ exponents: 3, nonces: 3 });
    const keys = generateKeyPair(FFDHE2048, backend);
    const c1s = new Set<bigint>();
    for (let i = 0; i < 3; i++) {
      const m = randomSubgroupElement(FFDHE2048);
      const exponent = stock.takeExponent(FFDHE2048)!;
      const ciphertext = finishEncryption(keys, encryptionMask(keys, backend, exponent), m);
      expect(ciphertext.c1).toBe(exponent.gk);
      expect(decrypt(keys, ciphertext, backend)).toBe(m);
      c1s.add(ciphertext.c1);
    }
    expect(c1s.size).toBe(3);
    expect(stock.takeExponent(FFDHE2048)).toBeUndefined();
    const rs = new Set<bigint>();
    for (let i = 0; i < 3; i++) {
      const signature = signWithNonce(keys, utf8(`message ${i}`), stock.takeNonce(FFDHE2048)!)!;
      expect(verify(keys, utf8(`message ${i}`), signature, backend)).toBe(true);
      rs.add(signature.r);
    }
    expect(rs.size).toBe(3);
    expect(stock.takeNonce(FFDHE2048)).toBeUndefined();
    expect(stock.level(FFDHE2048)).toEqual({ exponents: 0, nonces: 0 });
  });

  it('keeps groups apart, down to the generator', () => {
    const stock = new PrecomputeStock(backend);
    stock.fill(FFDHE2048, 'exponent');
    stock.fill(FFDHE2048, 'nonce');
    expect(stock.takeExponent(FFDHE3072)).toBeUndefined();
    expect(stock.takeNonce(FFDHE3072)).toBeUndefined();
    const otherGenerator = makeGroup(FFDHE2048.p, 4n);
    expect(stock.takeExponent(otherGenerator)).toBeUndefined();
    expect(stock.takeNonce(otherGenerator)).toBeUndefined();
    expect(stock.level(FFDHE2048)).toEqual({ exponents: 1, nonces: 1 });
  });

  it('never holds more than its bound per kind and group', () => {
    const stock = new PrecomputeStock(backend);
    for (let i = 0; i < MAX_STOCK_DEPTH + 5; i++) stock.fill(FFDHE2048, 'nonce');
    expect(stock.level(FFDHE2048).nonces).toBe(MAX_STOCK_DEPTH);
  });
});

let pools: AsyncCrypto[] = [];
afterEach(async () => {
  await Promise.all(pools.map((pool) => pool.close()));
  pools = [];
});

async function until(condition: () => boolean, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('AsyncCrypto precomputation', () => {
  it('fills every worker to the depth for a group in use, no further, and serves from the stock', async () => {
    const crypto = new AsyncCrypto({ workers: 2, precompute: 3 });
    pools.push(crypto);
    const keys = await crypto.generateKeyPair(FFDHE2048);
    expect(crypto.precomputed(FFDHE2048)).toEqual({ exponents: 0, nonces: 0 }); // no encryption or signature yet
    const first = await crypto.sign(keys, utf8('first'));
    expect(await crypto.verify(keys, utf8('first'), first)).toBe(true);
    await until(() => crypto.precomputed(FFDHE2048).exponents === 6 && crypto.precomputed(FFDHE2048).nonces === 6);
    const before = crypto.metrics.snapshot().find((row) => row.primitive === 'Signature Generation')!;
    expect(before.calls).toBe(1);

    const messages = [0, 1, 2, 3].map((i) => utf8(`from the stock ${i}`));
    const signatures = await Promise.all(messages.map((m) => crypto.sign(keys, m)));
    for (const [i, signature] of signatures.entries()) expect(await crypto.verify(keys, messages[i]!, signature)).toBe(true);
    expect(new Set(signatures.map((s) => s.r)).size).toBe(4);
    const plain = [0, 1, 2, 3].map(() => randomSubgroupElement(FFDHE2048));
    const ciphertexts = await Promise.all(plain.map((m) => crypto.encrypt(keys, m)));
    expect(new Set(ciphertexts.map((c) => c.c1)).size).toBe(4);
    for (const [i, c] of ciphertexts.entries()) expect(await crypto.decrypt(keys, c)).toBe(plain[i]);

    // Refilled in the idle time that follows, to the same depth and not beyond.
    await until(() => crypto.precomputed(FFDHE2048).exponents === 6 && crypto.precomputed(FFDHE2048).nonces === 6);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(crypto.precomputed(FFDHE2048)).toEqual({ exponents: 6, nonces: 6 });
    // Stock time is recorded under the primitive it serves, without counting calls.
    expect(crypto.metrics.snapshot().find((row) => row.primitive === 'Signature Generation')!.calls).toBe(5);
  });

  it('computes nothing ahead with precompute 0', async () => {
    const crypto = new AsyncCrypto({ workers: 1, precompute: 0 });
    pools.push(crypto);
    const keys = await crypto.generateKeyPair(FFDHE2048);
    await crypto.sign(keys, utf8('x'));
    await crypto.encrypt(keys, randomSubgroupElement(FFDHE2048));
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(crypto.precomputed(FFDHE2048)).toEqual({ exponents: 0, nonces: 0 });
  });

  it('sends the rest of a step to a busy worker in one message, and every result is right', async () => {
    const crypto = new AsyncCrypto({ workers: 1, precompute: 0 });
    pools.push(crypto);
    const keys = await crypto.generateKeyPair(FFDHE2048);
    const worker = (crypto as unknown as { pool: { workers: { postMessage(m: unknown): void }[] } }).pool.workers[0]!;
    const sent: unknown[] = [];
    const post = worker.postMessage.bind(worker);
    worker.postMessage = (m: unknown) => {
      sent.push(m);
      post(m);
    };
    const m = randomSubgroupElement(FFDHE2048);
    const c = await crypto.encrypt(keys, m);
    sent.length = 0;
    // One synchronous run: one batch. The first job starts at once; the rest wait and go together.
    const jobs = [crypto.sign(keys, utf8('a')), crypto.decrypt(keys, c), crypto.sign(keys, utf8('b')), crypto.encrypt(keys, m)] as const;
    const [sa, decrypted, sb, again] = await Promise.all(jobs);
    expect(sent.map((x) => (Array.isArray(x) ? x.length : 1))).toEqual([1, 3]);
    expect(decrypted).toBe(m);
    expect(await crypto.verify(keys, utf8('a'), sa)).toBe(true);
    expect(await crypto.verify(keys, utf8('b'), sb)).toBe(true);
    expect(await crypto.decrypt(keys, again)).toBe(m);
  });

  it('does not poll while a long job runs: the stock waits for its reply', async () => {
    const crypto = new AsyncCrypto({ workers: 2, precompute: 2 });
    pools.push(crypto);
    const keys = await crypto.generateKeyPair(FFDHE2048);
    await crypto.generateKeyPair(FFDHE2048); // both workers booted
    const pool = (crypto as unknown as { pool: { pump(): void } }).pool;
    let pumps = 0;
    const pump = pool.pump.bind(pool);
    pool.pump = () => {
      pumps++;
      pump();
    };
    await crypto.sign(keys, utf8('a group in use: its stock is wanted'));
    // A full validation of a non-standard generator (a second or more) on one worker while the
    // other is idle with an empty stock: nothing may be precomputed, and nothing may spin.
    const check = await crypto.validateGroup(FFDHE3072.p, 4n);
    expect(check.ok).toBe(true);
    expect(crypto.precomputed(FFDHE2048)).toEqual({ exponents: 0, nonces: 0 });
    expect(pumps).toBeLessThan(20);
  });

  it('refuses a depth out of bounds', () => {
    expect(() => new AsyncCrypto({ workers: 0, precompute: -1 })).toThrow(/precompute/);
    expect(() => new AsyncCrypto({ workers: 0, precompute: MAX_STOCK_DEPTH + 1 })).toThrow(/precompute/);
  });
});

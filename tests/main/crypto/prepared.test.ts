// Encryption and signatures whose message-independent exponentiations start before the message is
// known (AsyncCrypto.encryptWhenReady, prepareSignature), with real workers and inline.
import { afterEach, describe, expect, it } from 'vitest';
import { AsyncCrypto } from '../../../src/main/crypto/async-engine.js';
import { randomSubgroupElement } from '../../../src/main/crypto/elgamal.js';
import { FFDHE2048 } from '../../../src/main/crypto/groups.js';
import { utf8 } from './helpers.js';

let pools: AsyncCrypto[] = [];
afterEach(async () => {
  await Promise.all(pools.map((pool) => pool.close()));
  pools = [];
});

for (const workers of [2, 0]) {
  describe(`prepared encryption and signatures (workers: ${workers})`, () => {
    it('a prepared encryption decrypts, a prepared signature verifies, and both are timed under the usual names', async () => {
      const crypto = new AsyncCrypto({ workers });
      pools.push(crypto);
      const alice = await crypto.generateKeyPair(FFDHE2048);
      const m = randomSubgroupElement(FFDHE2048);
      let release!: (v: bigint) => void;
      const later = new Promise<bigint>((resolve) => (release = resolve));
      const encrypting = crypto.encryptWhenReady(alice, later);
      release(m);
      expect(await crypto.decrypt(alice, await encrypting)).toBe(m);
      const signWith = await crypto.prepareSignature(alice);
      const signature = await signWith(utf8('hello'));
      expect(await crypto.verify(alice, utf8('hello'), signature)).toBe(true);
      expect(await crypto.verify(alice, utf8('hellp'), signature)).toBe(false);
      await expect(signWith(utf8('again'))).rejects.toThrow(/signs once/);
      const rows = new Map(crypto.metrics.snapshot().map((row) => [row.primitive, row.calls]));
      expect(rows.get('ElGamal Encryption')).toBe(1);
      expect(rows.get('Signature Generation')).toBe(1);
    });

    it('never reuses a nonce: distinct r and c1 over many preparations', async () => {
      const crypto = new AsyncCrypto({ workers });
      pools.push(crypto);
      const alice = await crypto.generateKeyPair(FFDHE2048);
      const m = randomSubgroupElement(FFDHE2048);
      const n = 24;
      const cs = await Promise.all(Array.from({ length: n }, () => crypto.encryptWhenReady(alice, Promise.resolve(m))));
      const signers = await Promise.all(Array.from({ length: n }, () => crypto.prepareSignature(alice)));
      const sigs = await Promise.all(signers.map((signWith) => signWith(utf8('same message'))));
      expect(new Set(cs.map((c) => c.c1)).size).toBe(n);
      expect(new Set(sigs.map((s) => s.r)).size).toBe(n);
      for (const s of sigs.slice(0, 4)) expect(await crypto.verify(alice, utf8('same message'), s)).toBe(true);
    });

    it('rejects when the message is refused or not a subgroup element', async () => {
      const crypto = new AsyncCrypto({ workers });
      pools.push(crypto);
      const alice = await crypto.generateKeyPair(FFDHE2048);
      await expect(crypto.encryptWhenReady(alice, Promise.reject(new Error('no sk')))).rejects.toThrow('no sk');
      await expect(crypto.encryptWhenReady(alice, Promise.resolve(FFDHE2048.p - 1n))).rejects.toThrow(/subgroup/);
    });
  });
}

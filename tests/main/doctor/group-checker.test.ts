// The doctor's group checker on a real worker pool: canonical forms refused before any work,
// one check per source address, verdicts cached by p, and a check abandoned when every
// connection waiting for it has closed.
import { afterEach, describe, expect, it } from 'vitest';
import { AsyncCrypto } from '../../../src/main/crypto/async-engine.js';
import { FFDHE2048, FFDHE3072 } from '../../../src/main/crypto/groups.js';
import { GroupChecker, canonicalGenerator } from '../../../src/main/doctor/group-checker.js';
import { FRESH_P_3_MOD_8, FRESH_P_7_MOD_8 } from '../../fixtures/safe-primes.js';

let crypto: AsyncCrypto | null = null;
afterEach(async () => {
  await crypto?.close();
  crypto = null;
});

const open = (): AbortSignal => new AbortController().signal;

describe('GroupChecker', () => {
  it('names the canonical generator: 2 when p = 7 mod 8, else 4', () => {
    expect(canonicalGenerator(FRESH_P_7_MOD_8)).toBe(2n);
    expect(canonicalGenerator(FRESH_P_3_MOD_8)).toBe(4n);
  });

  it('refuses a standard prime with another generator, and a custom prime with a non-canonical one, without work', async () => {
    crypto = new AsyncCrypto({ workers: 1 });
    const checker = new GroupChecker(crypto);
    expect(await checker.check(FFDHE2048.p, 2n, '10.0.0.1', open())).toMatchObject({ ok: true });
    expect(await checker.check(FFDHE3072.p, 4n, '10.0.0.1', open())).toMatchObject({ ok: false, reason: 'non-canonical' });
    expect(await checker.check(FRESH_P_7_MOD_8, 4n, '10.0.0.1', open())).toMatchObject({ ok: false, reason: 'non-canonical' });
    expect(crypto.metrics.snapshot().find((r) => r.primitive === 'Group Validation')).toBeUndefined();
  });

  it('checks a custom group once (cached by p) and one group per address at a time', async () => {
    crypto = new AsyncCrypto({ workers: 2 });
    const checker = new GroupChecker(crypto);
    const first = checker.check(FRESH_P_7_MOD_8, 2n, '10.0.0.1', open());
    expect(await checker.check(FRESH_P_3_MOD_8, 4n, '10.0.0.1', open())).toMatchObject({ ok: false, reason: 'busy' });
    expect(await first).toMatchObject({ ok: true });
    expect(await checker.check(FRESH_P_7_MOD_8, 2n, '10.0.0.2', open())).toMatchObject({ ok: true });
    const validations = crypto.metrics.snapshot().find((r) => r.primitive === 'Group Validation');
    expect(validations?.calls).toBe(1);
  });

  it('abandons a check when the only connection waiting for it closes, freeing its address', async () => {
    crypto = new AsyncCrypto({ workers: 2 });
    const checker = new GroupChecker(crypto);
    const connection = new AbortController();
    const verdict = checker.check(FRESH_P_3_MOD_8, 4n, '10.0.0.1', connection.signal);
    connection.abort();
    expect(await verdict).toMatchObject({ ok: false, reason: 'abandoned' });
    await new Promise((r) => setTimeout(r, 0));
    // Nothing was cached and nothing is held for the address: its next check runs afresh.
    expect(crypto.backgroundQueued + crypto.backgroundRunning).toBe(0);
    expect(await checker.check(FRESH_P_3_MOD_8, 4n, '10.0.0.1', open())).toMatchObject({ ok: true });
  });

  it('goes on with a shared check while another connection still waits for it', async () => {
    crypto = new AsyncCrypto({ workers: 2 });
    const checker = new GroupChecker(crypto);
    const leaving = new AbortController();
    const a = checker.check(FRESH_P_7_MOD_8, 2n, '10.0.0.1', leaving.signal);
    const b = checker.check(FRESH_P_7_MOD_8, 2n, '10.0.0.2', open());
    leaving.abort();
    expect(await a).toMatchObject({ reason: 'abandoned' });
    expect(await b).toMatchObject({ ok: true });
  });
});

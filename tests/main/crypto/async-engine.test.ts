// AsyncCrypto's two lanes, with real worker threads: custom-group validations (background) never
// hold more than one worker, their queue is short, and an abort drops or terminates them.
import { afterEach, describe, expect, it } from 'vitest';
import { AsyncCrypto, BusyError, type AsyncCryptoOptions } from '../../../src/main/crypto/async-engine.js';
import { FFDHE2048, FFDHE3072 } from '../../../src/main/crypto/groups.js';
import type { KeyPair } from '../../../src/main/crypto/elgamal.js';
import { FRESH_P_7_MOD_8 } from '../../fixtures/safe-primes.js';
import { utf8 } from './helpers.js';

// A valid but non-standard generator of ffdhe3072's subgroup: not short-circuited, so the full
// primality tests run (about a second or more each).
const SLOW = { p: FFDHE3072.p, g: 4n };
// A fresh 2048-bit safe prime with its canonical generator: a quicker full validation.
const QUICK = { p: FRESH_P_7_MOD_8, g: 2n };

let pools: AsyncCrypto[] = [];
afterEach(async () => {
  await Promise.all(pools.map((pool) => pool.close()));
  pools = [];
});

/** Without idle-time precomputation, so each test knows what every worker is doing. */
function pool(options: AsyncCryptoOptions): AsyncCrypto {
  const crypto = new AsyncCrypto({ precompute: 0, ...options });
  pools.push(crypto);
  return crypto;
}

/** Boots every worker (tsx loads in each) so later jobs start computing at once. */
async function warm(crypto: AsyncCrypto): Promise<KeyPair> {
  const keys = await Promise.all(Array.from({ length: crypto.workerCount }, () => crypto.generateKeyPair(FFDHE2048)));
  return keys[0]!;
}

/** The error a promise rejects with (fails the test if it resolves). */
async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the promise to reject');
}

/** Settles on the next turn of the event loop: after every pending microtask. */
const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 10));
}

describe('AsyncCrypto lanes', () => {
  it('serves a batch of normal jobs while background validations are queued, one at a time', async () => {
    const crypto = pool({ workers: 2, maxBackgroundQueue: 6 });
    const keys = await warm(crypto);
    const events: string[] = [];
    const background = Array.from({ length: 6 }, (_, i) =>
      crypto.validateGroup(SLOW.p, SLOW.g).then(
        () => events.push(`background ${i}`),
        () => undefined, // rejected by close() below
      ),
    );
    expect(crypto.backgroundRunning).toBe(1);
    expect(crypto.backgroundQueued).toBe(5);

    let maxRunning = 0;
    const batch = Array.from({ length: 10 }, async (_, i) => {
      const message = utf8(`message ${i}`);
      const signature = await crypto.sign(keys, message);
      maxRunning = Math.max(maxRunning, crypto.backgroundRunning);
      const ok = await crypto.verify(keys, message, signature);
      maxRunning = Math.max(maxRunning, crypto.backgroundRunning);
      events.push(`normal ${i}`);
      return ok;
    });
    expect(await Promise.all(batch)).toEqual(Array(10).fill(true));

    // The whole batch went through the free worker: at most the one running validation finished
    // meanwhile, the rest still wait, and no second validation ever took a worker.
    expect(events.filter((e) => e.startsWith('background')).length).toBeLessThanOrEqual(1);
    expect(crypto.backgroundQueued).toBeGreaterThanOrEqual(4);
    expect(maxRunning).toBeLessThanOrEqual(1);
    expect(crypto.backgroundRunning).toBeLessThanOrEqual(1);
    await crypto.close();
    await Promise.all(background);
  });

  it('never starts a background job on the last idle worker of a larger pool', async () => {
    const crypto = pool({ workers: 2, maxBackground: 2 });
    await warm(crypto);
    const jobs = [crypto.validateGroup(QUICK.p, QUICK.g), crypto.validateGroup(QUICK.p, QUICK.g)];
    expect(crypto.backgroundRunning).toBe(1);
    expect(crypto.backgroundQueued).toBe(1);
    const results = await Promise.all(jobs);
    expect(results.map((r) => r.ok)).toEqual([true, true]);
    expect(crypto.backgroundRunning + crypto.backgroundQueued).toBe(0);
  });

  it('runs at most maxBackground (default 1) background jobs at once, even with idle workers to spare', async () => {
    const crypto = pool({ workers: 3 });
    await warm(crypto);
    const jobs = [crypto.validateGroup(QUICK.p, QUICK.g), crypto.validateGroup(QUICK.p, QUICK.g)];
    expect(crypto.backgroundRunning).toBe(1);
    expect(crypto.backgroundQueued).toBe(1);
    expect((await Promise.all(jobs)).map((r) => r.ok)).toEqual([true, true]);
  });

  it('with one worker, runs a background job only once no normal job is queued', async () => {
    const crypto = pool({ workers: 1 });
    const keys = await warm(crypto);
    const order: string[] = [];
    const first = crypto.sign(keys, utf8('first')).then(() => order.push('normal 1'));
    const validation = crypto.validateGroup(QUICK.p, QUICK.g).then((check) => order.push(`background ${check.ok}`));
    const second = crypto.sign(keys, utf8('second')).then(() => order.push('normal 2'));
    expect(crypto.backgroundQueued).toBe(1);
    expect(crypto.normalQueued).toBe(1);
    await Promise.all([first, validation, second]);
    expect(order).toEqual(['normal 1', 'normal 2', 'background true']);
  });

  it('rejects with BusyError beyond the background queue', async () => {
    const crypto = pool({ workers: 2, maxBackgroundQueue: 2 });
    await warm(crypto);
    const accepted = [0, 1, 2].map(() => crypto.validateGroup(SLOW.p, SLOW.g).catch((e: Error) => e));
    expect(crypto.backgroundRunning).toBe(1);
    expect(crypto.backgroundQueued).toBe(2);
    const error = await rejection(crypto.validateGroup(SLOW.p, SLOW.g));
    expect(error).toBeInstanceOf(BusyError);
    expect(error.name).toBe('BusyError');
    expect(crypto.backgroundQueued).toBe(2);
    await crypto.close();
    for (const result of await Promise.all(accepted)) expect((result as Error).message).toBe('AsyncCrypto: closed');
  });
});

describe('AsyncCrypto abort', () => {
  it('rejects at once for a signal aborted already', async () => {
    const crypto = pool({ workers: 1 });
    const error = await rejection(crypto.validateGroup(QUICK.p, QUICK.g, { signal: AbortSignal.abort() }));
    expect(error.name).toBe('AbortError');
    expect(crypto.backgroundRunning + crypto.backgroundQueued).toBe(0);
  });

  it('removes a queued job', async () => {
    const crypto = pool({ workers: 2 });
    await warm(crypto);
    const running = crypto.validateGroup(QUICK.p, QUICK.g);
    const controller = new AbortController();
    const queued = crypto.validateGroup(QUICK.p, QUICK.g, { signal: controller.signal });
    expect(crypto.backgroundQueued).toBe(1);
    controller.abort();
    expect(crypto.backgroundQueued).toBe(0);
    expect((await rejection(queued)).name).toBe('AbortError');
    expect((await running).ok).toBe(true);
  });

  it('terminates a running job without touching an unrelated one, and the pool recovers', async () => {
    const crypto = pool({ workers: 2 });
    const keys = await warm(crypto);
    const controller = new AbortController();
    let settled = false;
    const validation = crypto.validateGroup(SLOW.p, SLOW.g, { signal: controller.signal });
    void validation.catch(() => (settled = true));
    await new Promise((resolve) => setTimeout(resolve, 100)); // into the primality tests
    expect(crypto.backgroundRunning).toBe(1);

    const unrelated = crypto.sign(keys, utf8('in flight on the other worker'));
    expect(crypto.normalQueued).toBe(0); // dispatched, in flight
    controller.abort();
    await nextTurn();
    expect(settled).toBe(true); // rejected without waiting for the validation to finish
    expect((await rejection(validation)).name).toBe('AbortError');
    expect(crypto.backgroundRunning).toBe(0);
    expect(crypto.workerCount).toBe(2);

    const signature = await unrelated;
    expect(await crypto.verify(keys, utf8('in flight on the other worker'), signature)).toBe(true);
    // The terminated worker's exit must not cost the pool a worker or reject anything.
    await until(() => crypto.backgroundDraining === 0);
    expect(crypto.workerCount).toBe(2);
    const after = await Promise.all([crypto.sign(keys, utf8('a')), crypto.sign(keys, utf8('b'))]);
    expect(after).toHaveLength(2);
    expect((await crypto.validateGroup(QUICK.p, QUICK.g)).ok).toBe(true);
    expect(crypto.workerCount).toBe(2);
  });
});

describe('AsyncCrypto inline (workers: 0)', () => {
  it('validates inline and checks the signal before starting', async () => {
    const crypto = pool({ workers: 0 });
    expect(crypto.workerCount).toBe(0);
    expect((await rejection(crypto.validateGroup(QUICK.p, QUICK.g, { signal: AbortSignal.abort() }))).name).toBe('AbortError');
    const check = await crypto.validateGroup(QUICK.p, QUICK.g, { signal: new AbortController().signal });
    expect(check.ok && check.group.name).toBe('custom');
    expect(crypto.backgroundRunning + crypto.backgroundQueued + crypto.normalQueued).toBe(0);
  });
});

describe('AsyncCrypto worker crashes', () => {
  it('rejects the job a crashed worker held, starts a new worker, and serves later jobs', async () => {
    const crypto = pool({ workers: 1 });
    const keys = await warm(crypto);
    // The worker dies in the middle of a job, as it would on an out-of-memory or a native fault.
    const workers = (crypto as unknown as { pool: { workers: { terminate(): Promise<number> }[] } }).pool.workers;
    const held = crypto.sign(keys, utf8('in flight when the worker dies'));
    void workers[0]!.terminate();
    const error = await rejection(held);
    expect(error.message).toMatch(/worker failed: crypto worker exited/);
    await until(() => crypto.workerCount === 1);
    const signature = await crypto.sign(keys, utf8('after the crash'));
    expect(await crypto.verify(keys, utf8('after the crash'), signature)).toBe(true);
    expect(crypto.workerCount).toBe(1);
  });
});

/**
 * The engine's heavy operations (modular exponentiations: key generation, ElGamal, signatures,
 * group validation) off the main event loop, so a doctor keeps serving everyone while one
 * patient's handshake computes. Workers run the same CryptoEngine; each reply carries the time
 * the primitive took, recorded here into the caller's PerfMetrics as if it had run inline.
 *
 * Two lanes share the pool. Everything is the `normal` lane except custom-group
 * validation, which takes up to seconds and which anyone can request, so it runs in the
 * `background` lane: a background job starts only when no normal job waits, at most
 * `maxBackground` run at once, and never on the last idle worker of a pool of two or more, so
 * a worker always stays free for handshakes. Its queue is short: beyond `maxBackgroundQueue`
 * validateGroup rejects at once with BusyError. A validation whose `signal` aborts is dropped
 * from the queue, or, if running, its worker is terminated and replaced (the only way to stop
 * it). A terminated worker in OpenSSL's native prime test exits only once the current test
 * ends (the work runs on libuv's thread pool), so until it has exited it still counts against
 * `maxBackground` ("draining").
 *
 * The normal lane is fair between sources: each call may name its `source` (the doctor passes
 * the patient's address), and queued jobs are served one source at a time in turn (FairQueue),
 * so many handshakes from a few addresses cannot hold back a newcomer from elsewhere.
 *
 * In idle time the workers compute ahead what encryptions and signatures need before their
 * peer or message is known (precompute-stock.ts: exponents with g^k, signature nonces), for
 * the few groups used most recently, `precompute` entries of each (default 8) per group and
 * worker; the time is recorded under the primitive it will serve, as time without a call.
 * The pool itself, its queues and its workers are in crypto-pool.ts.
 *
 * `workers: 0` runs the same calls inline (for short-lived CLI commands and tests that want one
 * thread); the cheap primitives (hash, HMAC, AES) always run inline, where they take microseconds.
 */
import type { Worker } from 'node:worker_threads';
import { abortError, type AsyncCryptoOptions, type CallOptions, type Lane } from './async-options.js';
import { CryptoPool } from './crypto-pool.js';
import { cpus } from 'node:os';
import { encryptionMask, finishEncryption, isChecked, type Ciphertext, type EncryptionMask, type KeyPair, type PublicKey } from './elgamal.js';
import { signatureNonce, signWithNonce, verificationHolds, type Signature, type SignatureNonce } from './elgamal-signature.js';
import { CryptoEngine } from './engine.js';
import type { GenerateOptions } from './group-generate.js';
import type { GroupCheck } from './group-validate.js';
import { makeGroup, type Group } from './groups.js';
import { PerfMetrics } from './metrics.js';
import { BACKENDS } from './modexp/select.js';
import { PrecomputePlan } from './precompute-plan.js';
import type { StockLevel } from './precompute-stock.js';
import type { Primitive } from '../../shared/metrics.js';
import type { WorkerRequest } from './worker-messages.js';

export { BusyError, type AsyncCryptoOptions, type CallOptions, type Lane } from './async-options.js';

function plainGroup(group: Group): { p: bigint; g: bigint } {
  return { p: group.p, g: group.g };
}

/** For worker-only jobs: run() calls `inline` only without workers, where they are not used. */
function unreachable(): never {
  throw new Error('AsyncCrypto: a split operation has no inline form');
}

/** Entries of each kind per group and worker kept ready (precompute-stock.ts). */
const DEFAULT_PRECOMPUTE_DEPTH = 8;

export class AsyncCrypto {
  /** Inline engine for the cheap primitives, sharing this instance's metrics. */
  readonly engine: CryptoEngine;
  readonly metrics: PerfMetrics;
  private readonly pool: CryptoPool | null;
  private batch: object | null = null;
  private closed = false;

  constructor(options: AsyncCryptoOptions = {}) {
    this.metrics = options.metrics ?? new PerfMetrics();
    this.engine = new CryptoEngine(options.backend ? BACKENDS[options.backend] : undefined, this.metrics);
    const maxBackground = options.maxBackground ?? 1;
    const maxBackgroundQueue = options.maxBackgroundQueue ?? 4;
    if (!Number.isInteger(maxBackground) || maxBackground < 1) throw new RangeError('AsyncCrypto: maxBackground must be an integer >= 1');
    if (!Number.isInteger(maxBackgroundQueue) || maxBackgroundQueue < 0) {
      throw new RangeError('AsyncCrypto: maxBackgroundQueue must be an integer >= 0');
    }
    const plan = new PrecomputePlan<Worker>(options.precompute ?? DEFAULT_PRECOMPUTE_DEPTH);
    const count = options.workers ?? Math.min(4, Math.max(1, cpus().length));
    // Stock time is part of what the primitives cost: recorded as time without a call.
    const precomputed = (kind: 'exponent' | 'nonce', ms: number): void =>
      this.metrics.record(kind === 'exponent' ? 'ElGamal Encryption' : 'Signature Generation', ms, 0);
    this.pool = count === 0 ? null : new CryptoPool(count, this.engine.backend.name, maxBackground, maxBackgroundQueue, plan, precomputed);
  }

  get workerCount(): number {
    return this.pool?.workerCount ?? 0;
  }

  get normalQueued(): number {
    return this.pool?.normalQueued ?? 0;
  }

  get backgroundQueued(): number {
    return this.pool?.backgroundQueued ?? 0;
  }

  get backgroundRunning(): number {
    return this.pool?.backgroundRunning ?? 0;
  }

  /** Terminated workers (aborted background jobs) that have not exited yet. */
  get backgroundDraining(): number {
    return this.pool?.backgroundDraining ?? 0;
  }

  /** Precomputed entries for `group` held by the workers (as last reported): counts only. */
  precomputed(group: Group): StockLevel {
    return this.pool?.precomputed(group) ?? { exponents: 0, nonces: 0 };
  }

  private async run<T>(
    primitive: Primitive | null,
    op: WorkerRequest['op'],
    args: unknown[],
    inline: () => T | Promise<T>,
    { lane = 'normal', signal, source = '', timed = false }: { lane?: Lane; signal?: AbortSignal | undefined; source?: string | undefined; timed?: boolean } = {},
  ): Promise<T> {
    if (this.closed) throw new Error('AsyncCrypto: closed');
    if (!this.pool) {
      if (signal?.aborted) throw abortError(signal);
      return primitive ? this.metrics.timeAsync(primitive, async () => inline()) : inline();
    }
    const batch = lane === 'normal' ? this.currentBatch() : undefined;
    const { value, ms } = await this.pool.submit(op, args, { lane, signal, source, batch });
    if (primitive) this.metrics.record(primitive, ms);
    // `timed`: the caller records the time itself (an operation made of several jobs).
    return (timed ? { value, ms } : value) as T;
  }

  async generateKeyPair(group: Group, options: CallOptions = {}): Promise<KeyPair> {
    const raw = await this.run('KeyPair Generation', 'keygen', [plainGroup(group)], () => this.bare().generateKeyPair(group), options);
    return { group, x: raw.x, y: raw.y };
  }

  encrypt(recipient: PublicKey, message: bigint, options: CallOptions = {}): Promise<Ciphertext> {
    return this.run(
      'ElGamal Encryption',
      'encrypt',
      [plainGroup(recipient.group), recipient.y, message, isChecked(recipient.group, recipient)],
      () => this.bare().encrypt(recipient, message),
      options,
    );
  }

  decrypt(keyPair: KeyPair, ciphertext: Ciphertext, options: CallOptions = {}): Promise<bigint> {
    return this.run(
      'ElGamal Decryption',
      'decrypt',
      [plainGroup(keyPair.group), keyPair.x, keyPair.y, ciphertext.c1, ciphertext.c2, isChecked(keyPair.group, ciphertext)],
      () => this.bare().decrypt(keyPair, ciphertext),
      options,
    );
  }

  sign(keyPair: KeyPair, message: Uint8Array, options: CallOptions = {}): Promise<Signature> {
    return this.run(
      'Signature Generation',
      'sign',
      [plainGroup(keyPair.group), keyPair.x, keyPair.y, message],
      () => this.bare().sign(keyPair, message),
      options,
    );
  }

  /**
   * With two workers or more and nothing queued, the two halves of the verification
   * (elgamal-signature.ts) run at once on two workers: about a third less latency for the same
   * modexps. When jobs are queued already (a join storm), latency is the queue's and the
   * second job would only add its messaging cost, so it runs whole. Recorded as one
   * 'Signature Verification' costing both halves' time.
   */
  async verify(signer: PublicKey, message: Uint8Array, signature: Signature, options: CallOptions = {}): Promise<boolean> {
    const group = plainGroup(signer.group);
    if (this.workerCount < 2 || this.normalQueued > 0) {
      return this.run('Signature Verification', 'verify', [group, signer.y, message, signature.r, signature.s, isChecked(signer.group, signer)], () => this.bare().verify(signer, message, signature), options);
    }
    const keyPart = this.run<{ value: bigint | null; ms: number }>(null, 'verifyKeyPart', [group, signer.y, signature.r, signature.s, isChecked(signer.group, signer)], unreachable, { ...options, timed: true });
    const signaturePart = this.run<{ value: { ge: bigint; rs: bigint }; ms: number }>(
      null,
      'verifySignaturePart',
      [group, signer.y, message, signature.r, signature.s],
      unreachable,
      { ...options, timed: true },
    );
    signaturePart.catch(() => undefined); // awaited below, after the key half
    const yr = await keyPart;
    const sig = await signaturePart;
    this.metrics.record('Signature Verification', yr.ms + sig.ms);
    return yr.value !== null && verificationHolds(signer.group, yr.value, sig.value.ge, sig.value.rs);
  }

  /**
   * An encryption whose message is not known yet: the exponentiations (c1 = g^k, y^k) start at
   * once on the pool, in parallel with whatever computes `message` (a decryption); c2 = m * y^k
   * follows when `message` resolves. k never leaves the worker; y^k serves this one call and is
   * then dropped. Rejects if `message` rejects. Recorded as one 'ElGamal Encryption'.
   */
  async encryptWhenReady(recipient: PublicKey, message: Promise<bigint>, options: CallOptions = {}): Promise<Ciphertext> {
    const masking = this.run<EncryptionMask>(
      'ElGamal Encryption',
      'encryptMask',
      [plainGroup(recipient.group), recipient.y, isChecked(recipient.group, recipient)],
      () => encryptionMask(recipient, this.engine.backend),
      options,
    );
    // Both are awaited below; keep a failure of one from going unhandled while the other waits.
    masking.catch(() => undefined);
    const m = await message;
    const mask = await masking;
    const start = performance.now();
    try {
      return finishEncryption(recipient, mask, m);
    } finally {
      this.metrics.record('ElGamal Encryption', performance.now() - start, 0);
    }
  }

  /**
   * A signature whose message is not known yet: the nonce (k a unit mod p-1, r = g^k, k^-1 mod q)
   * is computed at once on the pool; the returned function signs one message with it (a hash and
   * a few multiplications) and may be called once. The nonce is held only by that closure,
   * never logged or sent, and dropped after its use (BigInts cannot be wiped). In the
   * negligible case s = 0 it falls back to a full sign(). Recorded as one 'Signature Generation'.
   */
  async prepareSignature(keyPair: KeyPair, options: CallOptions = {}): Promise<(message: Uint8Array) => Promise<Signature>> {
    let nonce: SignatureNonce | null = await this.run<SignatureNonce>(
      'Signature Generation',
      'signNonce',
      [plainGroup(keyPair.group)],
      () => signatureNonce(keyPair.group, this.engine.backend),
      options,
    );
    return async (message) => {
      if (!nonce) throw new Error('AsyncCrypto: a prepared signature signs once');
      const taken = nonce;
      nonce = null;
      const start = performance.now();
      let signature: Signature | null;
      try {
        signature = signWithNonce(keyPair, message, taken);
      } finally {
        this.metrics.record('Signature Generation', performance.now() - start, 0);
      }
      return signature ?? this.sign(keyPair, message, options);
    };
  }

  /**
   * Background lane (see the header): may reject with BusyError, or with AbortError when
   * `options.signal` aborts. Inline (`workers: 0`) the signal is checked only before starting.
   */
  async validateGroup(p: bigint, g: bigint, options: { signal?: AbortSignal } = {}): Promise<GroupCheck> {
    const inline = (): Promise<GroupCheck> => this.bare().validateGroup(p, g);
    const check = await this.run<GroupCheck>('Group Validation', 'validate', [p, g], inline, { lane: 'background', signal: options.signal });
    return check.ok ? { ok: true, group: makeGroup(check.group.p, check.group.g) } : check;
  }

  /** Runs on libuv's thread pool already (OpenSSL's search), so it stays on this thread. */
  generateGroup(bits: number, options?: GenerateOptions): Promise<Group> {
    return this.engine.generateGroup(bits, options);
  }

  /**
   * The calls made in one synchronous run (one handshake step of one connection: a socket's
   * callback ends before the next one starts) share a batch, served back to back (FairQueue).
   */
  private currentBatch(): object {
    if (!this.batch) {
      this.batch = {};
      queueMicrotask(() => (this.batch = null));
    }
    return this.batch;
  }

  /** An engine with throwaway metrics: run() does the timing for inline calls. */
  private bare(): CryptoEngine {
    return new CryptoEngine(this.engine.backend, new PerfMetrics());
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.pool?.close();
  }
}

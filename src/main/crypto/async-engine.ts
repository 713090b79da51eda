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
 * `workers: 0` runs the same calls inline (for short-lived CLI commands and tests that want one
 * thread); the cheap primitives (hash, HMAC, AES) always run inline, where they take microseconds.
 */
import { FairQueue } from './fair-queue.js';
import type { Worker } from 'node:worker_threads';
import { startWorker } from './start-worker.js';
import { abortError, BusyError, type AsyncCryptoOptions, type CallOptions, type Lane } from './async-options.js';
import { cpus } from 'node:os';
import { encryptionMask, finishEncryption, type Ciphertext, type EncryptionMask, type KeyPair, type PublicKey } from './elgamal.js';
import { signatureNonce, signWithNonce, type Signature, type SignatureNonce } from './elgamal-signature.js';
import { CryptoEngine } from './engine.js';
import type { GenerateOptions } from './group-generate.js';
import type { GroupCheck } from './group-validate.js';
import { makeGroup, type Group } from './groups.js';
import { PerfMetrics } from './metrics.js';
import { BACKENDS } from './modexp/select.js';
import type { Primitive } from '../../shared/metrics.js';
import type { WorkerReply, WorkerRequest } from './crypto-worker.js';

export { BusyError, type AsyncCryptoOptions, type CallOptions, type Lane } from './async-options.js';

interface Job {
  request: WorkerRequest;
  lane: Lane;
  primitive: Primitive | null;
  /** Both also stop listening to the job's signal. */
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
}

function remove<T>(list: T[], item: T): boolean {
  const at = list.indexOf(item);
  if (at >= 0) list.splice(at, 1);
  return at >= 0;
}

function plainGroup(group: Group): { p: bigint; g: bigint } {
  return { p: group.p, g: group.g };
}

export class AsyncCrypto {
  /** Inline engine for the cheap primitives, sharing this instance's metrics. */
  readonly engine: CryptoEngine;
  readonly metrics: PerfMetrics;
  private readonly inline: boolean;
  private readonly maxBackground: number;
  private readonly maxBackgroundQueue: number;
  private readonly workers: Worker[] = [];
  private readonly idle: Worker[] = [];
  private readonly normalQueue = new FairQueue<Job>();
  private readonly backgroundQueue: Job[] = [];
  private readonly inFlight = new Map<Worker, Job>();
  /** Terminations of workers whose background job was aborted, until each worker has exited. */
  private readonly draining = new Set<Promise<void>>();
  private nextId = 1;
  private batch: object | null = null;
  private closed = false;

  constructor(options: AsyncCryptoOptions = {}) {
    this.metrics = options.metrics ?? new PerfMetrics();
    this.engine = new CryptoEngine(options.backend ? BACKENDS[options.backend] : undefined, this.metrics);
    this.maxBackground = options.maxBackground ?? 1;
    this.maxBackgroundQueue = options.maxBackgroundQueue ?? 4;
    if (!Number.isInteger(this.maxBackground) || this.maxBackground < 1) throw new RangeError('AsyncCrypto: maxBackground must be an integer >= 1');
    if (!Number.isInteger(this.maxBackgroundQueue) || this.maxBackgroundQueue < 0) {
      throw new RangeError('AsyncCrypto: maxBackgroundQueue must be an integer >= 0');
    }
    const count = options.workers ?? Math.min(4, Math.max(1, cpus().length));
    this.inline = count === 0;
    for (let i = 0; i < count; i++) this.spawn();
  }

  get workerCount(): number {
    return this.workers.length;
  }

  get normalQueued(): number {
    return this.normalQueue.length;
  }

  get backgroundQueued(): number {
    return this.backgroundQueue.length;
  }

  get backgroundRunning(): number {
    let running = 0;
    for (const job of this.inFlight.values()) if (job.lane === 'background') running++;
    return running;
  }

  /** Terminated workers (aborted background jobs) that have not exited yet. */
  get backgroundDraining(): number {
    return this.draining.size;
  }

  private spawn(): void {
    const workerData = { backend: this.engine.backend.name };
    const worker = startWorker('crypto-worker', workerData);
    worker.unref();
    worker.on('message', (reply: WorkerReply) => this.onReply(worker, reply));
    worker.on('error', (error) => this.onWorkerFailure(worker, error));
    worker.on('exit', (code) => {
      if (!this.closed) this.onWorkerFailure(worker, new Error(`crypto worker exited with code ${code}`));
    });
    this.workers.push(worker);
    this.idle.push(worker);
  }

  /** Takes `worker` out of the pool and spawns a fresh one; returns the job it was running. */
  private replace(worker: Worker): Job | undefined {
    const job = this.inFlight.get(worker);
    this.inFlight.delete(worker);
    remove(this.workers, worker);
    remove(this.idle, worker);
    if (!this.closed) this.spawn();
    return job;
  }

  private onWorkerFailure(worker: Worker, error: Error): void {
    // A worker already replaced ('error' is followed by 'exit'; an aborted job's worker exits
    // after termination) has nothing left to report.
    if (!this.workers.includes(worker)) return;
    this.replace(worker)?.reject(new Error(`AsyncCrypto: worker failed: ${error.message}`));
    this.pump();
  }

  private onReply(worker: Worker, reply: WorkerReply): void {
    if (!this.workers.includes(worker)) return;
    const job = this.inFlight.get(worker);
    this.inFlight.delete(worker);
    this.idle.push(worker);
    if (job && job.request.id === reply.id) {
      if (job.primitive) this.metrics.record(job.primitive, reply.ms);
      if (reply.ok) job.resolve(reply.value);
      else job.reject(new Error(reply.error));
    }
    this.pump();
  }

  /** Whether a background job may start now (see the header). */
  private backgroundMayStart(): boolean {
    const keepFree = this.workers.length > 1 ? 1 : 0;
    return (
      this.normalQueue.length === 0 &&
      this.idle.length > keepFree &&
      this.backgroundRunning + this.draining.size < this.maxBackground
    );
  }

  /** The next job to start, taken off its queue: normal jobs first, in order. */
  private nextJob(): Job | undefined {
    if (this.normalQueue.length > 0) return this.normalQueue.shift();
    return this.backgroundMayStart() ? this.backgroundQueue.shift() : undefined;
  }

  private pump(): void {
    while (this.idle.length > 0) {
      const job = this.nextJob();
      if (!job) return;
      const worker = this.idle.shift()!;
      this.inFlight.set(worker, job);
      worker.postMessage(job.request);
    }
  }

  private abort(job: Job, signal: AbortSignal): void {
    if (!(job.lane === 'normal' ? this.normalQueue.remove(job) : remove(this.backgroundQueue, job))) {
      const worker = [...this.inFlight].find(([, running]) => running === job)?.[0];
      if (!worker) return; // already settled
      this.replace(worker);
      const exited = worker.terminate().then(
        () => undefined,
        () => undefined,
      );
      this.draining.add(exited);
      void exited.then(() => {
        this.draining.delete(exited);
        this.pump();
      });
    }
    job.reject(abortError(signal));
    this.pump();
  }

  private run<T>(
    primitive: Primitive | null,
    op: WorkerRequest['op'],
    args: unknown[],
    inline: () => T | Promise<T>,
    { lane = 'normal', signal, source = '' }: { lane?: Lane; signal?: AbortSignal | undefined; source?: string | undefined } = {},
  ): Promise<T> {
    if (this.closed) return Promise.reject(new Error('AsyncCrypto: closed'));
    if (signal?.aborted) return Promise.reject(abortError(signal));
    if (this.inline) {
      return primitive ? this.metrics.timeAsync(primitive, async () => inline()) : Promise.resolve(inline());
    }
    // pump() leaves no background job queued that could start, so a full queue means busy.
    if (lane === 'background' && this.backgroundQueue.length >= this.maxBackgroundQueue && !this.backgroundMayStart()) {
      return Promise.reject(new BusyError());
    }
    return new Promise<T>((resolve, reject) => {
      const onAbort = (): void => this.abort(job, signal!);
      const job: Job = {
        request: { id: this.nextId++, op, args } as WorkerRequest,
        lane,
        primitive,
        resolve: (value) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(value as T);
        },
        reject: (error) => {
          signal?.removeEventListener('abort', onAbort);
          reject(error);
        },
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      if (lane === 'normal') this.normalQueue.push(source, job, this.currentBatch());
      else this.backgroundQueue.push(job);
      this.pump();
    });
  }

  async generateKeyPair(group: Group, options: CallOptions = {}): Promise<KeyPair> {
    const raw = await this.run('KeyPair Generation', 'keygen', [plainGroup(group)], () => this.bare().generateKeyPair(group), options);
    return { group, x: raw.x, y: raw.y };
  }

  encrypt(recipient: PublicKey, message: bigint, options: CallOptions = {}): Promise<Ciphertext> {
    return this.run(
      'ElGamal Encryption',
      'encrypt',
      [plainGroup(recipient.group), recipient.y, message],
      () => this.bare().encrypt(recipient, message),
      options,
    );
  }

  decrypt(keyPair: KeyPair, ciphertext: Ciphertext, options: CallOptions = {}): Promise<bigint> {
    return this.run(
      'ElGamal Decryption',
      'decrypt',
      [plainGroup(keyPair.group), keyPair.x, keyPair.y, ciphertext.c1, ciphertext.c2],
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

  verify(signer: PublicKey, message: Uint8Array, signature: Signature, options: CallOptions = {}): Promise<boolean> {
    return this.run(
      'Signature Verification',
      'verify',
      [plainGroup(signer.group), signer.y, message, signature.r, signature.s],
      () => this.bare().verify(signer, message, signature),
      options,
    );
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
      [plainGroup(recipient.group), recipient.y],
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
    const closed = (): Error => new Error('AsyncCrypto: closed');
    for (const job of this.normalQueue.drain()) job.reject(closed());
    for (const job of this.backgroundQueue.splice(0)) job.reject(closed());
    for (const job of this.inFlight.values()) job.reject(closed());
    this.inFlight.clear();
    this.idle.length = 0;
    await Promise.all([...this.workers.splice(0).map((w) => w.terminate()), ...this.draining]);
  }
}

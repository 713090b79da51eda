/**
 * The engine's heavy operations (modular exponentiations: key generation, ElGamal, signatures,
 * group validation) off the main event loop, so a doctor keeps serving everyone while one
 * patient's handshake computes. Workers run the same CryptoEngine; each reply carries the time
 * the primitive took, recorded here into the caller's PerfMetrics as if it had run inline.
 *
 * `workers: 0` runs the same calls inline (for short-lived CLI commands and tests that want one
 * thread); the cheap primitives (hash, HMAC, AES) always run inline, where they take microseconds.
 */
import { Worker } from 'node:worker_threads';
import { cpus } from 'node:os';
import type { Ciphertext, KeyPair, PublicKey } from './elgamal.js';
import type { Signature } from './elgamal-signature.js';
import { CryptoEngine } from './engine.js';
import type { GenerateOptions } from './group-generate.js';
import type { GroupCheck } from './group-validate.js';
import { makeGroup, type Group } from './groups.js';
import { PerfMetrics } from './metrics.js';
import type { ModExpBackendName } from './modexp/backend.js';
import { BACKENDS } from './modexp/select.js';
import type { Primitive } from '../../shared/metrics.js';
import type { WorkerReply, WorkerRequest } from './crypto-worker.js';

export interface AsyncCryptoOptions {
  /** Worker threads; 0 runs inline. Default: one per core, at most 4. */
  workers?: number;
  backend?: ModExpBackendName;
  metrics?: PerfMetrics;
}

interface Pending {
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
  primitive: Primitive | null;
}

function plainGroup(group: Group): { p: bigint; g: bigint } {
  return { p: group.p, g: group.g };
}

export class AsyncCrypto {
  /** Inline engine for the cheap primitives, sharing this instance's metrics. */
  readonly engine: CryptoEngine;
  readonly metrics: PerfMetrics;
  private readonly workers: Worker[] = [];
  private readonly idle: Worker[] = [];
  private readonly queue: { request: WorkerRequest; pending: Pending }[] = [];
  private readonly inFlight = new Map<Worker, { id: number; pending: Pending }>();
  private nextId = 1;
  private closed = false;

  constructor(options: AsyncCryptoOptions = {}) {
    this.metrics = options.metrics ?? new PerfMetrics();
    this.engine = new CryptoEngine(options.backend ? BACKENDS[options.backend] : undefined, this.metrics);
    const count = options.workers ?? Math.min(4, Math.max(1, cpus().length));
    for (let i = 0; i < count; i++) this.spawn();
  }

  get workerCount(): number {
    return this.workers.length;
  }

  private spawn(): void {
    const workerData = { backend: this.engine.backend.name };
    const fromSource = import.meta.url.endsWith('.ts');
    const url = new URL(fromSource ? './crypto-worker.ts' : './crypto-worker.js', import.meta.url);
    // Compiled builds run the JS worker directly. Running from TypeScript sources (the test
    // runner), the worker first registers tsx's loader, then imports the TS worker.
    const worker = fromSource
      ? new Worker(`import('tsx/esm/api').then((m) => { m.register(); return import(${JSON.stringify(url.href)}); });`, {
          eval: true,
          workerData,
        })
      : new Worker(url, { workerData });
    worker.unref();
    worker.on('message', (reply: WorkerReply) => this.onReply(worker, reply));
    worker.on('error', (error) => this.onWorkerFailure(worker, error));
    worker.on('exit', (code) => {
      if (!this.closed) this.onWorkerFailure(worker, new Error(`crypto worker exited with code ${code}`));
    });
    this.workers.push(worker);
    this.idle.push(worker);
  }

  private onWorkerFailure(worker: Worker, error: Error): void {
    const job = this.inFlight.get(worker);
    this.inFlight.delete(worker);
    this.workers.splice(this.workers.indexOf(worker), 1);
    const idleAt = this.idle.indexOf(worker);
    if (idleAt >= 0) this.idle.splice(idleAt, 1);
    job?.pending.reject(new Error(`AsyncCrypto: worker failed: ${error.message}`));
    if (!this.closed) {
      this.spawn();
      this.pump();
    }
  }

  private onReply(worker: Worker, reply: WorkerReply): void {
    const job = this.inFlight.get(worker);
    this.inFlight.delete(worker);
    this.idle.push(worker);
    if (job && job.id === reply.id) {
      if (job.pending.primitive) this.metrics.record(job.pending.primitive, reply.ms);
      if (reply.ok) job.pending.resolve(reply.value);
      else job.pending.reject(new Error(reply.error));
    }
    this.pump();
  }

  private pump(): void {
    while (this.idle.length > 0 && this.queue.length > 0) {
      const worker = this.idle.shift()!;
      const { request, pending } = this.queue.shift()!;
      this.inFlight.set(worker, { id: request.id, pending });
      worker.postMessage(request);
    }
  }

  private run<T>(primitive: Primitive | null, op: WorkerRequest['op'], args: unknown[], inline: () => T | Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new Error('AsyncCrypto: closed'));
    if (this.workers.length === 0) {
      return primitive ? this.metrics.timeAsync(primitive, async () => inline()) : Promise.resolve(inline());
    }
    return new Promise<T>((resolve, reject) => {
      const request = { id: this.nextId++, op, args } as WorkerRequest;
      this.queue.push({ request, pending: { resolve: resolve as (v: unknown) => void, reject, primitive } });
      this.pump();
    });
  }

  async generateKeyPair(group: Group): Promise<KeyPair> {
    const raw = await this.run('KeyPair Generation', 'keygen', [plainGroup(group)], () => this.bare().generateKeyPair(group));
    return { group, x: raw.x, y: raw.y };
  }

  encrypt(recipient: PublicKey, message: bigint): Promise<Ciphertext> {
    return this.run('ElGamal Encryption', 'encrypt', [plainGroup(recipient.group), recipient.y, message], () =>
      this.bare().encrypt(recipient, message),
    );
  }

  decrypt(keyPair: KeyPair, ciphertext: Ciphertext): Promise<bigint> {
    return this.run('ElGamal Decryption', 'decrypt', [plainGroup(keyPair.group), keyPair.x, keyPair.y, ciphertext.c1, ciphertext.c2], () =>
      this.bare().decrypt(keyPair, ciphertext),
    );
  }

  sign(keyPair: KeyPair, message: Uint8Array): Promise<Signature> {
    return this.run('Signature Generation', 'sign', [plainGroup(keyPair.group), keyPair.x, keyPair.y, message], () =>
      this.bare().sign(keyPair, message),
    );
  }

  verify(signer: PublicKey, message: Uint8Array, signature: Signature): Promise<boolean> {
    return this.run('Signature Verification', 'verify', [plainGroup(signer.group), signer.y, message, signature.r, signature.s], () =>
      this.bare().verify(signer, message, signature),
    );
  }

  async validateGroup(p: bigint, g: bigint): Promise<GroupCheck> {
    const check = await this.run<GroupCheck>('Group Validation', 'validate', [p, g], () => this.bare().validateGroup(p, g));
    return check.ok ? { ok: true, group: makeGroup(check.group.p, check.group.g) } : check;
  }

  /** Runs on libuv's thread pool already (OpenSSL's search), so it stays on this thread. */
  generateGroup(bits: number, options?: GenerateOptions): Promise<Group> {
    return this.engine.generateGroup(bits, options);
  }

  /** An engine with throwaway metrics: run() does the timing for inline calls. */
  private bare(): CryptoEngine {
    return new CryptoEngine(this.engine.backend, new PerfMetrics());
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const { pending } of this.queue.splice(0)) pending.reject(new Error('AsyncCrypto: closed'));
    for (const [, job] of this.inFlight) job.pending.reject(new Error('AsyncCrypto: closed'));
    this.inFlight.clear();
    await Promise.all(this.workers.splice(0).map((w) => w.terminate()));
    this.idle.length = 0;
  }
}

/**
 * The worker threads behind AsyncCrypto and the order in which they serve jobs (see
 * async-engine.ts for the lanes' rules): the normal lane fair between sources (FairQueue), the
 * background lane bounded and never on the last idle worker, aborted background jobs' workers
 * terminated and replaced. When no normal or background job can start, idle workers fill their
 * precomputation stock (precompute-plan.ts), one exponentiation per job, so a job that arrives
 * waits at most one exponentiation for a worker.
 */
import type { Worker } from 'node:worker_threads';
import { abortError, BusyError, type Lane } from './async-options.js';
import { stockedGroupOf, type G, type WorkerReply, type WorkerRequest } from './worker-messages.js';
import { FairQueue } from './fair-queue.js';
import { PrecomputePlan } from './precompute-plan.js';
import type { StockLevel } from './precompute-stock.js';
import { startWorker } from './start-worker.js';

export interface PoolJob {
  request: WorkerRequest;
  lane: Lane | 'idle';
  /** Settle the caller's promise; both also stop listening to the job's signal. */
  resolve: (value: unknown, ms: number) => void;
  reject: (error: Error) => void;
}

export interface SubmitOptions {
  lane?: Lane | undefined;
  signal?: AbortSignal | undefined;
  source?: string | undefined;
  batch?: object | undefined;
}

function remove<T>(list: T[], item: T): boolean {
  const at = list.indexOf(item);
  if (at >= 0) list.splice(at, 1);
  return at >= 0;
}

export class CryptoPool {
  private readonly workers: Worker[] = [];
  private readonly idle: Worker[] = [];
  private readonly normalQueue = new FairQueue<PoolJob>();
  private readonly backgroundQueue: PoolJob[] = [];
  /** The jobs each busy worker holds: one, or a bundle (see pump). */
  private readonly inFlight = new Map<Worker, PoolJob[]>();
  /** Terminations of workers whose background job was aborted, until each worker has exited. */
  private readonly draining = new Set<Promise<void>>();
  private nextId = 1;
  private closed = false;
  /** When the last normal or background job was queued or finished (performance.now()). */
  private lastWork = -Infinity;
  private idleTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    count: number,
    private readonly backend: string,
    private readonly maxBackground: number,
    private readonly maxBackgroundQueue: number,
    private readonly plan: PrecomputePlan<Worker>,
    /** Time spent filling the stock, for the caller's metrics (work done for future calls). */
    private readonly onPrecomputed: (kind: 'exponent' | 'nonce', ms: number) => void,
    private readonly idleMs = 25,
  ) {
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
    for (const jobs of this.inFlight.values()) for (const job of jobs) if (job.lane === 'background') running++;
    return running;
  }

  get backgroundDraining(): number {
    return this.draining.size;
  }

  precomputed(group: G): StockLevel {
    return this.plan.total(group);
  }

  /** Queues a job; rejects at once when closed, aborted or (background) the queue is full. */
  submit(op: WorkerRequest['op'], args: unknown[], { lane = 'normal', signal, source = '', batch }: SubmitOptions): Promise<{ value: unknown; ms: number }> {
    if (this.closed) return Promise.reject(new Error('AsyncCrypto: closed'));
    if (signal?.aborted) return Promise.reject(abortError(signal));
    // pump() leaves no background job queued that could start, so a full queue means busy.
    if (lane === 'background' && this.backgroundQueue.length >= this.maxBackgroundQueue && !this.backgroundMayStart()) {
      return Promise.reject(new BusyError());
    }
    return new Promise((resolve, reject) => {
      const onAbort = (): void => this.abort(job, signal!);
      const job: PoolJob = {
        request: { id: this.nextId++, op, args } as WorkerRequest,
        lane,
        resolve: (value, ms) => {
          signal?.removeEventListener('abort', onAbort);
          resolve({ value, ms });
        },
        reject: (error) => {
          signal?.removeEventListener('abort', onAbort);
          reject(error);
        },
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      const group = stockedGroupOf(job.request);
      if (group) this.plan.used(group);
      this.lastWork = performance.now();
      if (lane === 'normal') this.normalQueue.push(source, job, batch ?? {});
      else this.backgroundQueue.push(job);
      this.pump();
    });
  }

  private spawn(): void {
    const worker = startWorker('crypto-worker', { backend: this.backend });
    worker.unref();
    worker.on('message', (reply: WorkerReply) => this.onReply(worker, reply));
    worker.on('error', (error) => this.onWorkerFailure(worker, error));
    worker.on('exit', (code) => {
      if (!this.closed) this.onWorkerFailure(worker, new Error(`crypto worker exited with code ${code}`));
    });
    this.workers.push(worker);
    this.idle.push(worker);
  }

  /** Takes `worker` out of the pool and spawns a fresh one; returns the jobs it was running. */
  private replace(worker: Worker): PoolJob[] {
    const jobs = this.inFlight.get(worker) ?? [];
    this.inFlight.delete(worker);
    remove(this.workers, worker);
    remove(this.idle, worker);
    this.plan.dropWorker(worker);
    if (!this.closed) this.spawn();
    return jobs;
  }

  private onWorkerFailure(worker: Worker, error: Error): void {
    // A worker already replaced ('error' is followed by 'exit'; an aborted job's worker exits
    // after termination) has nothing left to report.
    if (!this.workers.includes(worker)) return;
    for (const job of this.replace(worker)) job.reject(new Error(`AsyncCrypto: worker failed: ${error.message}`));
    this.pump();
  }

  private onReply(worker: Worker, replies: WorkerReply | WorkerReply[]): void {
    if (!this.workers.includes(worker)) return;
    const jobs = this.inFlight.get(worker) ?? [];
    this.inFlight.delete(worker);
    this.idle.push(worker);
    for (const reply of Array.isArray(replies) ? replies : [replies]) {
      const job = jobs.find((j) => j.request.id === reply.id);
      if (!job) continue;
      if (job.lane !== 'idle') this.lastWork = performance.now();
      const group = stockedGroupOf(job.request);
      if (group && reply.stock) this.plan.report(worker, group, reply.stock);
      if (group && job.lane === 'idle' && !reply.ok) this.plan.forget(group);
      if (reply.ok) job.resolve(reply.value, reply.ms);
      else job.reject(new Error(reply.error));
    }
    this.pump();
  }

  /** Whether a background job may start now (see async-engine.ts's header). */
  private backgroundMayStart(): boolean {
    const keepFree = this.workers.length > 1 ? 1 : 0;
    return (
      this.normalQueue.length === 0 &&
      this.idle.length > keepFree &&
      this.backgroundRunning + this.draining.size < this.maxBackground
    );
  }

  /** The next job to start, taken off its queue: normal jobs first, then background, then stock. */
  private nextJob(worker: Worker): PoolJob | undefined {
    if (this.normalQueue.length > 0) return this.normalQueue.shift();
    if (this.backgroundMayStart() && this.backgroundQueue.length > 0) return this.backgroundQueue.shift();
    // A waiting background job needs a second worker back (see backgroundMayStart): hold the stock.
    if (this.closed || this.backgroundQueue.length > 0) return undefined;
    const task = this.plan.next(worker);
    if (!task) return undefined;
    if (!this.idleLongEnough()) return undefined;
    const { group, kind } = task;
    return {
      request: { id: this.nextId++, op: 'precompute', args: [{ p: group.p, g: group.g }, kind] },
      lane: 'idle',
      resolve: (_value, ms) => this.onPrecomputed(kind, ms),
      reject: () => undefined,
    };
  }

  /** Whether the pool has been idle for idleMs; if it is idle but not yet long enough, pumps again then. */
  private idleLongEnough(): boolean {
    let running = 0;
    for (const jobs of this.inFlight.values()) for (const job of jobs) if (job.lane !== 'idle') running++;
    // While a job runs its reply pumps again (and restarts the idle time): no timer needed.
    if (running > 0) return false;
    const wait = this.lastWork + this.idleMs - performance.now();
    if (wait <= 0) return true;
    if (!this.idleTimer) {
      this.idleTimer = setTimeout(() => {
        this.idleTimer = null;
        this.pump();
      }, Math.max(1, wait));
      this.idleTimer.unref();
    }
    return false;
  }

  private pump(): void {
    for (let i = 0; i < this.idle.length; ) {
      const worker = this.idle[i]!;
      const job = this.nextJob(worker);
      if (!job) {
        i++;
        continue;
      }
      this.idle.splice(i, 1);
      // Congested (more queued than the other idle workers can take): the rest of this job's
      // batch (one handshake step) goes to the same worker in one message, sparing a message
      // pair per job; nothing is gained by spreading it when every worker has work waiting.
      const bundle = job.lane === 'normal' && this.normalQueue.length >= this.idle.length ? [job, ...this.normalQueue.takeBatchRest()] : [job];
      this.inFlight.set(worker, bundle);
      worker.postMessage(bundle.length === 1 ? job.request : bundle.map((j) => j.request));
    }
  }

  private abort(job: PoolJob, signal: AbortSignal): void {
    if (!(job.lane === 'normal' ? this.normalQueue.remove(job) : remove(this.backgroundQueue, job))) {
      const worker = [...this.inFlight].find(([, running]) => running.includes(job))?.[0];
      if (!worker) return; // already settled
      for (const other of this.replace(worker)) if (other !== job) other.reject(new Error('AsyncCrypto: worker failed: terminated for an aborted job'));
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

  async close(): Promise<void> {
    this.closed = true;
    if (this.idleTimer) clearTimeout(this.idleTimer);
    const closed = (): Error => new Error('AsyncCrypto: closed');
    for (const job of this.normalQueue.drain()) job.reject(closed());
    for (const job of this.backgroundQueue.splice(0)) job.reject(closed());
    for (const jobs of this.inFlight.values()) for (const job of jobs) job.reject(closed());
    this.inFlight.clear();
    this.idle.length = 0;
    await Promise.all([...this.workers.splice(0).map((w) => w.terminate()), ...this.draining]);
  }
}

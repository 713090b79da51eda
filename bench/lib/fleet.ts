/**
 * A fleet of real patients in child processes (bench/patients.ts), for the join-storm, fan-out
 * and memory sections. Patients are dealt round-robin to up to `perChild` per child, so any
 * prefix of the fleet (the first N patients) is spread over every child. Each patient dials from
 * its own loopback source address (127.1.x.y: Linux routes all of 127/8 on lo), so the doctor's
 * per-address limits (unfinished connections, handshakes per minute) apply as to real patients.
 *
 * Robustness: every request has a timeout with a clear error; a child that dies fails the
 * waiting request with its exit code and the tail of its stderr; children are killed and the
 * temp folder removed on close() and, failing that, when the bench process exits.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ChildCommand, ChildPatient, ChildReply, JoinResult } from './fleet-protocol.js';

export type { JoinResult } from './fleet-protocol.js';

/** The clock the children use too: comparable across processes on one machine. */
export const clock = (): number => performance.timeOrigin + performance.now();

const CHILD = fileURLToPath(new URL('../patients.js', import.meta.url));
const live = new Set<PatientFleet>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const fleet of live) fleet.kill();
  });
}

/** Patient ids without a confusable character (no 0, 1, I, m: src/main/doctor/look-alike.ts), so none is a look-alike of another. */
export function benchPatientId(prefix: string, index: number): string {
  let digits = '';
  let n = index;
  do {
    digits = '23456789'[n % 8] + digits;
    n = Math.floor(n / 8);
  } while (n > 0);
  return `${prefix}-${digits}`;
}

/** Patient `index`'s source address: 127.<octet>.x.y, never .0 or .255 in the last place. */
export function benchAddress(octet: number, index: number): string {
  const n = index + 1;
  const high = Math.floor(n / 254);
  const low = (n % 254) + 1;
  return `127.${octet}.${high}.${low}`;
}

export interface FleetOptions {
  size: number;
  /** Patient id prefix (letters only, not confusable with the others' prefixes). */
  prefix: string;
  port: number;
  host?: string;
  perChild?: number;
  /** Second octet of the loopback source addresses. */
  octet?: number;
}

interface Child {
  index: number;
  process: ChildProcess;
  stderr: string;
  exited: boolean;
  pending: Map<number, { resolve: (reply: ChildReply) => void; reject: (error: Error) => void }>;
  onDelivered: (seq: number, times: number[], cpuMs: number) => void;
  ready: Promise<void>;
}

export class PatientFleet {
  private readonly children: Child[] = [];
  private nextId = 1;
  private readonly root: string;
  private readonly waiting = new Map<number, { times: number[]; cpuMs: number; left: number; resolve: (times: number[]) => void }>();
  private readonly cpuBySeq = new Map<number, number>();
  readonly size: number;

  private constructor(readonly options: FleetOptions) {
    this.size = options.size;
    this.root = mkdtempSync(join(tmpdir(), `medchat-bench-${options.prefix}-`));
    live.add(this);
    installExitHook();
  }

  /** Forks the children and creates every patient service (no connection yet). */
  static async start(options: FleetOptions): Promise<PatientFleet> {
    const fleet = new PatientFleet(options);
    try {
      await fleet.spawn();
    } catch (error) {
      await fleet.close();
      throw error;
    }
    return fleet;
  }

  get childCount(): number {
    return this.children.length;
  }

  private async spawn(): Promise<void> {
    const { size, perChild = 250, octet = 1, host = '127.0.0.1', port, prefix } = this.options;
    const count = Math.max(1, Math.ceil(size / perChild));
    const shares: ChildPatient[][] = Array.from({ length: count }, () => []);
    for (let i = 0; i < size; i++) shares[i % count]!.push({ index: i, id: benchPatientId(prefix, i), localAddress: benchAddress(octet, i) });
    for (let k = 0; k < count; k++) {
      const proc = fork(CHILD, [], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'], execArgv: [] });
      let hello: () => void = () => {};
      const child: Child = {
        index: k,
        process: proc,
        stderr: '',
        exited: false,
        pending: new Map(),
        onDelivered: (seq, times, cpuMs) => this.delivered(seq, times, cpuMs),
        ready: new Promise<void>((resolve) => (hello = resolve)),
      };
      proc.stderr?.on('data', (chunk: Buffer) => {
        child.stderr = (child.stderr + chunk.toString()).slice(-2000);
      });
      proc.on('message', (reply: ChildReply) => {
        if (reply.type === 'hello') return hello();
        if (reply.type === 'delivered') return child.onDelivered(reply.seq, reply.times, reply.cpuMs);
        const waiter = child.pending.get(reply.id);
        if (!waiter) return;
        child.pending.delete(reply.id);
        if (reply.type === 'error') waiter.reject(new Error(`patient child ${k}: ${reply.message}`));
        else waiter.resolve(reply);
      });
      proc.on('exit', (code, signal) => {
        child.exited = true;
        const error = new Error(`patient child ${k} exited (${signal ?? `code ${code}`})${child.stderr ? `; stderr: ${child.stderr.trim()}` : ''}`);
        for (const waiter of child.pending.values()) waiter.reject(error);
        child.pending.clear();
      });
      this.children.push(child);
    }
    await withTimeout(Promise.all(this.children.map((c) => c.ready)), 30_000, 'patient children did not start');
    await withTimeout(
      Promise.all(this.children.map((c, k) => this.request(c, { type: 'init', id: 0, root: this.root, host, port, patients: shares[k]! }))),
      120_000,
      `creating ${size} patient services`,
    );
  }

  private request(child: Child, command: ChildCommand & { id: number }): Promise<ChildReply> {
    if (child.exited) return Promise.reject(new Error(`patient child ${child.index} has exited`));
    const id = this.nextId++;
    return new Promise<ChildReply>((resolve, reject) => {
      child.pending.set(id, { resolve, reject });
      child.process.send({ ...command, id }, (error) => {
        if (error) {
          child.pending.delete(id);
          reject(error);
        }
      });
    });
  }

  /**
   * Connects patients from <= index < to, all at once (each child dials all of its share at
   * once); resolves when every connect() has settled. `sentAt` is when the commands went out.
   */
  async connect(from: number, to: number, timeoutMs = 120_000): Promise<{ sentAt: number; results: JoinResult[] }> {
    const sentAt = clock();
    const replies = await withTimeout(
      Promise.all(this.children.map((c) => this.request(c, { type: 'connect', id: 0, from, to }))),
      timeoutMs,
      `connecting patients ${from}..${to - 1}`,
    );
    const results = replies.flatMap((r) => (r.type === 'connected' ? r.results : []));
    return { sentAt, results: results.sort((a, b) => a.index - b.index) };
  }

  /** Connects patients from..to in waves of `wave` (not a storm: for setting up a large conference). */
  async connectInWaves(from: number, to: number, wave: number, timeoutMs = 120_000): Promise<JoinResult[]> {
    const all: JoinResult[] = [];
    for (let start = from; start < to; start += wave) {
      const { results } = await this.connect(start, Math.min(to, start + wave), timeoutMs);
      all.push(...results);
    }
    return all;
  }

  /** Every connected patient leaves (opcode 90). */
  async leave(timeoutMs = 60_000): Promise<void> {
    await withTimeout(Promise.all(this.children.map((c) => this.request(c, { type: 'leave', id: 0 }))), timeoutMs, 'patients leaving');
  }

  /**
   * Resolves with, for every connected patient, when it had decrypted broadcast `seq`. Call it
   * before the broadcast (the children report as soon as all of their patients have it).
   */
  /** When each connected patient had decrypted broadcast `seq`; `patientCpuMs(seq)` then tells what that cost the children. */
  expect(seq: number, timeoutMs = 30_000): Promise<number[]> {
    const done = new Promise<number[]>((resolve) => this.waiting.set(seq, { times: [], cpuMs: 0, left: this.children.length, resolve }));
    for (const child of this.children) child.process.send({ type: 'expect', seq } satisfies ChildCommand);
    return withTimeout(done, timeoutMs, `patients decrypting broadcast ${seq}`).finally(() => this.waiting.delete(seq));
  }

  private delivered(seq: number, times: number[], cpuMs: number): void {
    const waiter = this.waiting.get(seq);
    if (!waiter) return;
    waiter.times.push(...times);
    waiter.cpuMs += cpuMs;
    if (--waiter.left === 0) {
      this.cpuBySeq.set(seq, waiter.cpuMs);
      waiter.resolve(waiter.times);
    }
  }

  /** The children's CPU (all of them, user + system) from expect(seq) until each had its patients decrypt `seq`. */
  patientCpuMs(seq: number): number | undefined {
    return this.cpuBySeq.get(seq);
  }

  /** Closes every patient service, ends the children (killing those that do not stop) and removes the temp folder. */
  async close(): Promise<void> {
    await Promise.all(
      this.children.map(async (c) => {
        if (c.exited) return;
        try {
          await withTimeout(this.request(c, { type: 'close', id: 0 }), 15_000, 'closing patients');
        } catch {
          // killed below
        }
        await new Promise<void>((resolve) => {
          if (c.exited) return resolve();
          const timer = setTimeout(() => {
            c.process.kill('SIGKILL');
            resolve();
          }, 3_000);
          c.process.once('exit', () => {
            clearTimeout(timer);
            resolve();
          });
        });
      }),
    );
    this.kill();
  }

  /** Synchronous last resort: kill the children, remove the folder. */
  kill(): void {
    for (const c of this.children) if (!c.exited) c.process.kill('SIGKILL');
    try {
      rmSync(this.root, { recursive: true, force: true, maxRetries: 3 });
    } catch {
      // a temp folder; nothing more to do
    }
    live.delete(this);
  }
}

export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${(ms / 1000).toFixed(0)} s: ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `condition` every 20 ms until it holds; a clear error after `ms`. */
export async function until(condition: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${(ms / 1000).toFixed(0)} s: ${what}`);
    await sleep(20);
  }
}

/** "3 x RATE_LIMITED, 1 x timeout" from refused joins. */
export function summariseRefusals(results: readonly JoinResult[]): { admitted: number; refused: number; reasons: string } {
  const refused = results.filter((r) => r.state !== 'admitted');
  const counts = new Map<string, number>();
  for (const r of refused) {
    const key = `${r.state}: ${r.reason ?? 'no reason given'}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const reasons = [...counts].map(([k, n]) => `${n} x ${k}`).join('; ');
  return { admitted: results.length - refused.length, refused: refused.length, reasons };
}

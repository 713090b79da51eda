/**
 * The compiled CLI (`node bin/medchat.js ...`, built by `npx tsc -p tsconfig.node.json`) as child
 * processes, for tests that run the doctor and each patient in a process of its own over loopback
 * TCP. Every wait is bounded; every child started here is tracked so that `killAll()` (call it
 * in afterEach) ends it even when a test fails half-way.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll } from 'vitest';

/** The repository root, found from this file (tests/integration/support). */
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const BIN = join(ROOT, 'bin', 'medchat.js');
export const CLI_ENTRY = join(ROOT, 'out', 'node', 'src', 'main', 'cli', 'index.js');

const DEFAULT_WAIT_MS = 15_000;
const running = new Set<CliProcess>();

export function tempDir(label: string): string {
  return mkdtempSync(join(tmpdir(), `medchat-proc-${label}-`));
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** Fails early, with the command to run, when the CLI has not been compiled. */
export function assertCliBuilt(): void {
  if (!existsSync(CLI_ENTRY)) throw new Error(`${CLI_ENTRY} is missing: run "npx tsc -p tsconfig.node.json" first.`);
}

/**
 * A test file's scratch folders: checks the build before the file, kills every child and removes
 * the folders after each test. Returns dir(label), a fresh folder for this test.
 */
export function useTestDirs(): (label: string) => string {
  let dirs: string[] = [];
  beforeAll(() => assertCliBuilt());
  afterEach(async () => {
    await killAll();
    for (const d of dirs) removeDir(d);
    dirs = [];
  });
  afterAll(() => killAll());
  return (label) => {
    const d = tempDir(label);
    dirs.push(d);
    return d;
  };
}

export const PERF_HEADER = /^\| Primitive\s+\| Avg Time \(ms\)\s+\| Calls\s+\|$/;
export const ADMITTED = /^\[step\] admitted: group key received \(opcode 30\)/;

/** Starts a patient and waits until it is admitted and has printed its handshake performance table. */
export async function joinPatient(id: string, port: number, dataDir: string): Promise<CliProcess> {
  const patient = startPatient({ id, port, dataDir });
  const admitted = await patient.waitFor(ADMITTED);
  await patient.waitFor(PERF_HEADER, 15_000, admitted.index);
  return patient;
}

export interface LineMatch {
  line: string;
  match: RegExpMatchArray;
  /** Index of the line in `lines`. */
  index: number;
}

/** A hostile client's script under tests/hostile, run from TypeScript through tsx. */
export const HOSTILE_DIR = join(ROOT, 'tests', 'hostile');

export interface SpawnTarget {
  /** The script to run (bin/medchat.js by default). */
  script: string;
  /** Node options before the script, e.g. ['--import', 'tsx']. */
  nodeArgs: string[];
}

/** One running `medchat` (or hostile script) process: its output as lines, and bounded waits on them. */
export class CliProcess {
  readonly lines: string[] = [];
  /** When each line arrived here (Date.now()), parallel to `lines`. */
  readonly times: number[] = [];
  readonly proc: ChildProcess;
  /** Resolves with the exit code, or null when a signal ended the process. */
  readonly exited: Promise<number | null>;
  exitCode: number | null = null;
  exitSignal: NodeJS.Signals | null = null;
  done = false;
  private waiters = new Set<() => void>();

  constructor(
    readonly name: string,
    readonly args: string[],
    target: SpawnTarget = { script: BIN, nodeArgs: [] },
  ) {
    if (target.script === BIN) assertCliBuilt();
    this.proc = spawn(process.execPath, [...target.nodeArgs, target.script, ...args], {
      cwd: ROOT,
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, NO_COLOR: '1' },
    });
    running.add(this);
    this.collect(this.proc.stdout!);
    this.collect(this.proc.stderr!);
    // Writing to a child that has just exited must not crash the test run.
    this.proc.stdin!.on('error', () => {});
    this.exited = new Promise((resolveExit) => {
      this.proc.once('close', (code, signal) => {
        this.exitCode = code;
        this.exitSignal = signal;
        this.done = true;
        running.delete(this);
        this.wake();
        resolveExit(code);
      });
      this.proc.once('error', (error) => {
        this.lines.push(`[spawn error] ${error.message}`);
        this.times.push(Date.now());
        this.done = true;
        running.delete(this);
        this.wake();
        resolveExit(null);
      });
    });
  }

  private collect(stream: NodeJS.ReadableStream): void {
    let partial = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      const parts = (partial + chunk).split(/\r?\n/);
      partial = parts.pop() ?? '';
      if (parts.length > 0) {
        const at = Date.now();
        for (const part of parts) {
          this.lines.push(part);
          this.times.push(at);
        }
        this.wake();
      }
    });
    stream.on('end', () => {
      if (partial) {
        this.lines.push(partial);
        this.times.push(Date.now());
      }
      partial = '';
      this.wake();
    });
  }

  private wake(): void {
    for (const waiter of [...this.waiters]) waiter();
  }

  /** All output so far as one string. */
  output(): string {
    return this.lines.join('\n');
  }

  /** The lines matching `regex` (from line `from` on). */
  matching(regex: RegExp, from = 0): string[] {
    return this.lines.slice(from).filter((line) => regex.test(line));
  }

  /**
   * The first line at index `from` or later that matches `regex`; rejects after `ms`, or as soon
   * as the process has exited without printing it, with the process's last lines in the error.
   */
  waitFor(regex: RegExp, ms = DEFAULT_WAIT_MS, from = 0): Promise<LineMatch> {
    return new Promise((resolveWait, reject) => {
      let checked = from;
      const finish = (error: Error | null, found?: LineMatch): void => {
        clearTimeout(timer);
        this.waiters.delete(check);
        if (error) reject(error);
        else resolveWait(found!);
      };
      const check = (): void => {
        for (; checked < this.lines.length; checked++) {
          const match = this.lines[checked]!.match(regex);
          if (match) return finish(null, { line: this.lines[checked]!, match, index: checked });
        }
        if (this.done) finish(this.failure(`exited (code ${this.exitCode ?? this.exitSignal}) without printing ${regex}`));
      };
      const timer = setTimeout(() => finish(this.failure(`did not print ${regex} within ${ms} ms`)), ms);
      this.waiters.add(check);
      check();
    });
  }

  /** Waits for the exit; rejects after `ms` (the process keeps running: killAll ends it). */
  waitExit(ms = DEFAULT_WAIT_MS): Promise<number | null> {
    return new Promise((resolveExit, reject) => {
      const timer = setTimeout(() => reject(this.failure(`did not exit within ${ms} ms`)), ms);
      void this.exited.then((code) => {
        clearTimeout(timer);
        resolveExit(code);
      });
    });
  }

  /** Writes one line to the process's stdin (the doctor's console). */
  send(line: string): void {
    this.proc.stdin!.write(line + '\n');
  }

  /** Sends SIGINT (Ctrl+C) without waiting. */
  interrupt(): void {
    if (!this.done) this.proc.kill('SIGINT');
  }

  /**
   * Ctrl+C, then the exit code once the process has exited. After `ms` without an exit it is
   * killed (SIGKILL) and the promise rejects, so a hanging shutdown fails the test.
   */
  async stop(ms = 10_000): Promise<number | null> {
    this.interrupt();
    try {
      return await this.waitExit(ms);
    } catch (error) {
      this.kill();
      throw error;
    }
  }

  kill(): void {
    if (!this.done) this.proc.kill('SIGKILL');
  }

  private failure(what: string): Error {
    const tail = this.lines.slice(-25).map((l) => `    ${l}`).join('\n');
    return new Error(`${this.name} ${what}. Last output:\n${tail}`);
  }
}

export interface DoctorProcess extends CliProcess {
  port: number;
}

export interface StartDoctorOptions {
  dataDir: string;
  /** 0 (the default) lets the OS choose; the real port is read from the doctor's output. */
  port?: number;
  args?: string[];
  /** Node options before bin/medchat.js, e.g. ['--expose-gc'] for the `status` command's settled heap figure. */
  nodeArgs?: string[];
  /** How long to wait for the "listening" line. */
  ms?: number;
}

export const LISTENING = /^MedChatSecure doctor listening on ([^\s]+):(\d+)/;

/** Starts `medchat doctor` and waits for `MedChatSecure doctor listening on HOST:PORT`. */
export async function startDoctor(options: StartDoctorOptions): Promise<DoctorProcess> {
  const args = ['doctor', '--host', '127.0.0.1', '--port', String(options.port ?? 0), '--data-dir', options.dataDir, ...(options.args ?? [])];
  const doctor = new CliProcess('doctor', args, { script: BIN, nodeArgs: options.nodeArgs ?? [] }) as DoctorProcess;
  const { match } = await doctor.waitFor(LISTENING, options.ms ?? DEFAULT_WAIT_MS);
  doctor.port = Number(match[2]);
  return doctor;
}

export interface StartPatientOptions {
  id: string;
  port: number;
  dataDir: string;
  args?: string[];
}

/** Starts `medchat patient --id ID` without waiting: use waitFor on what it should print. */
export function startPatient(options: StartPatientOptions): CliProcess {
  const args = ['patient', '--id', options.id, '--host', '127.0.0.1', '--port', String(options.port), '--data-dir', options.dataDir, ...(options.args ?? [])];
  return new CliProcess(options.id, args);
}

export interface CliResult {
  code: number | null;
  lines: string[];
  output: string;
}

/** Starts `tests/hostile/NAME.ts ARGS` (an attacker speaking the wire protocol) in a process of its own. */
export function startHostile(name: string, args: string[]): CliProcess {
  return new CliProcess(`hostile ${name}`, args, { script: join(HOSTILE_DIR, `${name}.ts`), nodeArgs: ['--import', 'tsx'] });
}

/** Runs a one-shot command (audit, perf, a refused start) to its end, killing it after `ms`. */
export async function runCli(args: string[], ms = DEFAULT_WAIT_MS): Promise<CliResult> {
  const child = new CliProcess(`medchat ${args[0] ?? ''}`, args);
  child.proc.stdin!.end();
  try {
    const code = await child.waitExit(ms);
    return { code, lines: child.lines, output: child.output() };
  } catch (error) {
    child.kill();
    throw error;
  }
}

/** Every process started here that is still running. */
export function runningProcesses(): CliProcess[] {
  return [...running];
}

/** Kills every process still running (SIGKILL) and waits, boundedly, for them to go. */
export async function killAll(ms = 5_000): Promise<void> {
  const left = [...running];
  for (const child of left) child.kill();
  await Promise.race([Promise.all(left.map((c) => c.exited)), new Promise((r) => setTimeout(r, ms))]);
}

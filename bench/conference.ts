/**
 * `npm run bench:conference`: how the doctor copes with many patients joining at once, with its
 * crypto on worker threads (the app's default) against the same work inline on its event loop.
 * Patients run in a child process; this process runs only the doctor and measures its event-loop
 * delay (what every other patient, and the UI in browser mode, would feel) while they join.
 * Both configurations run in the same invocation, alternating, so the ratios are fair on a
 * shared, noisy machine.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createDoctorService } from '../src/main/doctor/service.js';

const PATIENTS = Number(process.env['BENCH_PATIENTS'] ?? 12);
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 2);
const group = process.env['BENCH_GROUP'] === 'ffdhe3072' ? 'ffdhe3072' : 'ffdhe2048';
const child = fileURLToPath(new URL('./conference-patients.js', import.meta.url));

interface Run {
  workers: number;
  joinMs: number;
  lagMaxMs: number;
  lagP99Ms: number;
  admitted: number;
}

async function run(workers: number): Promise<Run> {
  const dataDir = mkdtempSync(join(tmpdir(), 'medchat-bench-doctor-'));
  const doctor = await createDoctorService({ dataDir, workers, config: { handshakesPerMinute: 10_000 } });
  const { port } = await doctor.listen('127.0.0.1', 0);
  const histogram = monitorEventLoopDelay({ resolution: 1 });
  // The child runs asynchronously so this event loop stays free to serve it.
  const result = await new Promise<{ ms: number; admitted: number }>((resolve, reject) => {
    histogram.enable();
    execFile(process.execPath, [child, String(port), String(PATIENTS), group], (error, stdout) => {
      histogram.disable();
      if (error) reject(error);
      else resolve(JSON.parse(stdout.trim().split('\n').at(-1)!));
    });
  });
  await doctor.close();
  rmSync(dataDir, { recursive: true, force: true });
  return { workers, joinMs: result.ms, lagMaxMs: histogram.max / 1e6, lagP99Ms: histogram.percentile(99) / 1e6, admitted: result.admitted };
}

const runs: Run[] = [];
for (let round = 0; round < ROUNDS; round++) {
  runs.push(await run(0));
  runs.push(await run(2));
}
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const summary = (workers: number) => {
  const rs = runs.filter((r) => r.workers === workers);
  return { join: median(rs.map((r) => r.joinMs)), max: median(rs.map((r) => r.lagMaxMs)), p99: median(rs.map((r) => r.lagP99Ms)), admitted: Math.min(...rs.map((r) => r.admitted)) };
};
const inline = summary(0);
const pooled = summary(2);
console.log(`Doctor under ${PATIENTS} simultaneous ${group} joins (median of ${ROUNDS} alternating rounds)`);
console.log('| doctor crypto        | all admitted (ms) | event-loop delay max (ms) | p99 (ms) | admitted |');
console.log('|----------------------|-------------------|---------------------------|----------|----------|');
for (const [label, s] of [['inline (0 workers)', inline], ['2 worker threads', pooled]] as const) {
  console.log(`| ${label.padEnd(20)} | ${s.join.toFixed(0).padStart(17)} | ${s.max.toFixed(1).padStart(25)} | ${s.p99.toFixed(1).padStart(8)} | ${String(s.admitted).padStart(8)} |`);
}
console.log(`Event-loop delay max, inline / workers: ${(inline.max / pooled.max).toFixed(1)}x`);
console.log(`Join time, workers / inline: ${(pooled.join / inline.join).toFixed(2)}x`);

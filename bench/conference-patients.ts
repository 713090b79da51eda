/**
 * Child process of bench/conference.ts: joins N patients to a doctor at once (real patient
 * services, each with its own data dir), waits until all are admitted, and prints a JSON line.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPatientService } from '../src/main/patient/service.js';

const [portArg, countArg, groupArg] = process.argv.slice(2);
const port = Number(portArg);
const count = Number(countArg);
const group = groupArg === 'ffdhe3072' ? 'ffdhe3072' : 'ffdhe2048';
const root = mkdtempSync(join(tmpdir(), 'medchat-bench-'));
const services = await Promise.all(
  Array.from({ length: count }, (_, i) => createPatientService({ dataDir: join(root, `p${i}`), workers: 0 })),
);
// Identity keys first, so the timed part is the handshake alone.
const warm = await Promise.all(services.map((s, i) => s.connect({ host: '127.0.0.1', port, patientId: `warm${i}`, group })));
await Promise.all(services.map((s) => s.leave()));
const started = performance.now();
const statuses = await Promise.all(services.map((s, i) => s.connect({ host: '127.0.0.1', port, patientId: `bench${i}`, group })));
const ms = performance.now() - started;
const admitted = statuses.filter((s) => s.state === 'admitted').length;
await Promise.all(services.map((s) => s.close()));
rmSync(root, { recursive: true, force: true });
console.log(JSON.stringify({ ms, admitted, warmed: warm.filter((s) => s.state === 'admitted').length }));

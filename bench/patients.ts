/**
 * Child process of the bench (bench/lib/fleet.ts forks it): runs a share of the patients, each a
 * real patient service (src/main/patient/service.ts) with its own data folder, crypto inline
 * (`workers: 0`) and its own loopback source address, and obeys the parent over the IPC channel.
 *
 * Times are on `performance.timeOrigin + performance.now()`, a clock comparable across processes
 * on one machine (to well under a millisecond).
 */
import { join } from 'node:path';
import { createPatientService } from '../src/main/patient/service.js';
import type { PatientServiceApi } from '../src/main/service/services.js';
import type { FeedMessage, PatientStatus } from '../src/shared/contract.js';
import type { ChildCommand, ChildReply, ChildPatient, JoinResult } from './lib/fleet-protocol.js';

const clock = (): number => performance.timeOrigin + performance.now();

interface Patient {
  spec: ChildPatient;
  service: PatientServiceApi;
  connected: boolean;
}

const patients: Patient[] = [];
let host = '127.0.0.1';
let port = 0;
/** seq -> (patient id -> when it had decrypted that broadcast). */
const deliveries = new Map<number, Map<string, number>>();
/** The broadcasts the parent waits for: reported once every connected patient has it. */
/** Broadcasts to report, with this process's CPU when the bench asked (to report what decrypting them cost). */
const expected = new Map<number, NodeJS.CpuUsage>();

function send(reply: ChildReply): void {
  process.send?.(reply);
}

function checkDelivered(seq: number): void {
  if (!expected.has(seq)) return;
  const got = deliveries.get(seq) ?? new Map<string, number>();
  const connected = patients.filter((p) => p.connected);
  if (connected.some((p) => !got.has(p.spec.id))) return;
  const cpu = process.cpuUsage(expected.get(seq));
  expected.delete(seq);
  deliveries.delete(seq);
  send({ type: 'delivered', seq, times: connected.map((p) => got.get(p.spec.id)!), cpuMs: (cpu.user + cpu.system) / 1000 });
}

async function init(command: Extract<ChildCommand, { type: 'init' }>): Promise<void> {
  host = command.host;
  port = command.port;
  for (const spec of command.patients) {
    // 250 patients share this process and two cores with the doctor: at a storm's start each
    // child computes 250 opcode 10s back to back, and an opcode 20 waits behind them for seconds,
    // which a patient on its own machine never does. So these patients accept the doctor's
    // timestamps within 60 s, not 5 s; the doctor's own checks keep its defaults.
    const service = await createPatientService({ dataDir: join(command.root, spec.id), workers: 0, localAddress: spec.localAddress, maxClockSkewMs: 60_000 });
    const patient: Patient = { spec, service, connected: false };
    service.subscribe((event) => {
      if (event.channel === 'patient.message') {
        const at = clock();
        const message = event.payload as FeedMessage;
        let got = deliveries.get(message.seq);
        if (!got) deliveries.set(message.seq, (got = new Map()));
        got.set(spec.id, at);
        checkDelivered(message.seq);
      } else if (event.channel === 'patient.changed') {
        const status = event.payload as PatientStatus;
        if (patient.connected && status.state !== 'admitted' && status.state !== 'handshake' && status.state !== 'connecting') {
          patient.connected = false;
          for (const seq of expected.keys()) checkDelivered(seq);
        }
      }
    });
    patients.push(patient);
  }
}

async function join1(patient: Patient): Promise<JoinResult> {
  const started = clock();
  try {
    const status = await patient.service.connect({ host, port, patientId: patient.spec.id, group: 'ffdhe2048' });
    const at = clock();
    patient.connected = status.state === 'admitted';
    return { id: patient.spec.id, index: patient.spec.index, state: status.state, reason: status.reason, startedAt: started, at };
  } catch (error) {
    return { id: patient.spec.id, index: patient.spec.index, state: 'error', reason: (error as Error).message, startedAt: started, at: clock() };
  }
}

async function handle(command: ChildCommand): Promise<void> {
  switch (command.type) {
    case 'init':
      await init(command);
      return send({ type: 'ready', id: command.id });
    case 'connect': {
      const chosen = patients.filter((p) => !p.connected && p.spec.index >= command.from && p.spec.index < command.to);
      const results = await Promise.all(chosen.map(join1));
      return send({ type: 'connected', id: command.id, results });
    }
    case 'leave': {
      await Promise.all(patients.filter((p) => p.connected).map(async (p) => {
        p.connected = false;
        await p.service.leave();
      }));
      return send({ type: 'left', id: command.id });
    }
    case 'expect':
      expected.set(command.seq, process.cpuUsage());
      checkDelivered(command.seq);
      return;
    case 'close':
      await Promise.all(patients.map((p) => p.service.close().catch(() => undefined)));
      send({ type: 'closed', id: command.id });
      process.disconnect?.();
      setTimeout(() => process.exit(0), 50).unref();
      return;
  }
}

process.on('message', (command: ChildCommand) => {
  handle(command).catch((error: unknown) => send({ type: 'error', id: 'id' in command ? command.id : -1, message: (error as Error).stack ?? String(error) }));
});
// The parent went away: nothing left to do.
process.on('disconnect', () => setTimeout(() => process.exit(0), 100).unref());
send({ type: 'hello' });

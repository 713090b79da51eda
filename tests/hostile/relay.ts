/**
 * Hostile relay between a patient and the doctor, on a port the patient dials. Modes:
 * - forward: passes frames both ways (and, with --record FILE, writes the patient's opcode 5 and
 *   10 to FILE as JSON, for a later replay).
 * - impersonate: answers the patient itself, as a doctor with its own key and another doctor id
 *   (--doctor-id), and reports whether the patient went on to send its opcode 10.
 * - replay-first: forwards, but when the patient's opcode 10 arrives it first replays the
 *   patient's opcode 5 and 10 on a connection of its own (from --from), then forwards the
 *   original, and on its own connection answers the doctor's opcode 20 with a garbage verifier.
 * - evil-doctor: answers the patient's hello with opcode 60 whose reason is --text (peer text
 *   with control characters).
 * - zombie: forwards, keeping every heartbeat (45), heartbeat answer (55) and acknowledgement (50)
 *   it sees; on a line "cut" on stdin it carries nothing more either way, and instead answers each
 *   new heartbeat of the doctor with the patient's recorded 55s and 50s, and sends the patient the
 *   doctor's recorded 45s every half second: replays, to keep a dead link looking alive.
 * Usage: --listen P --mode M [--doctor-port D] [--from 127.0.0.5] [--doctor-id relay] [--record FILE] [--text T]
 */
import { createServer, connect, type Socket } from 'node:net';
import { writeFileSync } from 'node:fs';
import { CryptoEngine, makeGroup } from '../../src/main/crypto/index.js';
import { FrameDecoder, decodeFromDoctor, decodeFromPatient, encodeDoctorMessage, encodeFrame } from '../../src/main/protocol/index.js';
import { need, options, report } from './report.js';

const opts = options();
const listenPort = Number(need(opts, 'listen'));
const mode = need(opts, 'mode');
const doctorPort = Number(opts.get('doctor-port') ?? 0);
const from = opts.get('from') ?? '127.0.0.5';
const engine = new CryptoEngine();

function frames(socket: Socket, onFrame: (body: Uint8Array, raw: Buffer) => void): void {
  const decoder = new FrameDecoder();
  socket.on('data', (chunk: Buffer) => {
    for (const body of decoder.push(new Uint8Array(chunk))) onFrame(body, Buffer.from(encodeFrame(body)));
  });
  socket.on('error', () => {});
}

function describe(body: Uint8Array, fromDoctor: boolean): Record<string, unknown> {
  try {
    const m = fromDoctor ? decodeFromDoctor(body) : decodeFromPatient(body);
    return m.op === 60 ? { op: 60, code: m.code } : { op: m.op };
  } catch (error) {
    return { op: 'undecodable', error: (error as Error).message };
  }
}

function forward(patient: Socket, replayFirst: boolean): void {
  const doctor = connect({ host: '127.0.0.1', port: doctorPort });
  const held: Buffer[] = [];
  let doctorReady = false;
  let hello: Uint8Array | null = null;
  doctor.on('connect', () => {
    doctorReady = true;
    for (const b of held.splice(0)) doctor.write(b);
  });
  const toDoctor = (raw: Buffer): void => void (doctorReady ? doctor.write(raw) : held.push(raw));
  frames(patient, (body, raw) => {
    const seen = describe(body, false);
    report('patient-sent', seen);
    if (seen.op === 5) hello = body;
    if (seen.op === 10 && opts.has('record')) {
      writeFileSync(need(opts, 'record'), JSON.stringify({ hello: Buffer.from(hello!).toString('utf8'), op10: Buffer.from(body).toString('utf8') }));
      report('recorded');
    }
    if (seen.op === 10 && replayFirst) return replayThenForward(hello!, body, () => toDoctor(raw));
    toDoctor(raw);
  });
  frames(doctor, (body, raw) => {
    report('doctor-sent', describe(body, true));
    patient.write(raw);
  });
  patient.on('close', () => doctor.destroy());
  doctor.on('close', () => patient.destroy());
}

/** The relay's own connection: the patient's hello and opcode 10 first, then a garbage verifier. */
function replayThenForward(hello: Uint8Array, op10: Uint8Array, forwardOriginal: () => void): void {
  const own = connect({ host: '127.0.0.1', port: doctorPort, localAddress: from });
  own.on('connect', () => own.write(encodeFrame(hello)));
  let sent10 = false;
  frames(own, (body) => {
    const seen = describe(body, true);
    report('own-connection-got', seen);
    if (seen.op === 5 && !sent10) {
      sent10 = true;
      own.write(encodeFrame(op10));
    } else if (seen.op === 20) {
      forwardOriginal();
      const garbage = JSON.stringify({ op: 20, ts: Date.now(), skv: '0'.repeat(64) });
      own.write(encodeFrame(new TextEncoder().encode(garbage)));
    }
  });
  own.on('close', () => report('own-connection-closed'));
}

function impersonate(patient: Socket): void {
  frames(patient, (body) => {
    const m = decodeFromPatient(body);
    report('patient-sent', describe(body, false));
    if (m.op === 5) {
      const pair = engine.generateKeyPair(makeGroup(m.p, m.g));
      patient.write(encodeFrame(encodeDoctorMessage({ op: 5, v: 2, doctorId: need(opts, 'doctor-id'), y: pair.y })));
    }
    if (m.op === 10) report('got-op10', { patientId: m.patientId });
  });
  patient.on('close', () => report('patient-closed'));
}

function evilDoctor(patient: Socket): void {
  frames(patient, (body) => {
    if (decodeFromPatient(body).op !== 5) return;
    patient.write(encodeFrame(encodeDoctorMessage({ op: 60, code: need(opts, 'code'), reason: need(opts, 'text') })));
    report('sent-op60');
  });
}

function zombie(patient: Socket): void {
  const doctor = connect({ host: '127.0.0.1', port: doctorPort });
  const fromPatient: Buffer[] = [];
  const fromDoctor: Buffer[] = [];
  let cut = false;
  let replayed = 0;
  const replay = (to: Socket, recorded: Buffer[], target: string): void => {
    for (const raw of [...recorded].reverse()) to.write(raw);
    replayed += recorded.length;
    report('replayed', { to: target, frames: recorded.length, total: replayed });
  };
  frames(patient, (body, raw) => {
    const op = describe(body, false).op;
    if (!cut && (op === 55 || op === 50)) fromPatient.push(raw);
    if (!cut) doctor.write(raw);
  });
  frames(doctor, (body, raw) => {
    const op = describe(body, true).op;
    if (cut && op === 45) return replay(doctor, fromPatient, 'doctor');
    if (!cut && op === 45) fromDoctor.push(raw);
    if (!cut) patient.write(raw);
  });
  process.stdin.on('data', (chunk: Buffer) => {
    if (cut || !chunk.toString().includes('cut')) return;
    cut = true;
    report('cut', { patientFrames: fromPatient.length, doctorFrames: fromDoctor.length });
    setInterval(() => replay(patient, fromDoctor, 'patient'), 500).unref();
  });
  patient.on('close', () => report('patient-closed'));
  doctor.on('close', () => report('doctor-closed'));
}

const server = createServer((patient) => {
  report('patient-connected');
  if (mode === 'forward') forward(patient, false);
  else if (mode === 'replay-first') forward(patient, true);
  else if (mode === 'impersonate') impersonate(patient);
  else if (mode === 'evil-doctor') evilDoctor(patient);
  else if (mode === 'zombie') zombie(patient);
  else throw new Error(`unknown mode ${mode}`);
});
server.listen({ host: '127.0.0.1', port: listenPort }, () => report('listening', { port: (server.address() as { port: number }).port }));
process.on('SIGTERM', () => process.exit(0));

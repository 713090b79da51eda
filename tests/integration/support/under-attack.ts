/**
 * A conference under attack, every party in a process of its own: the doctor (`medchat doctor`),
 * three admitted patients (`medchat patient`), and hostile clients from tests/hostile. Gives the
 * checks every attack test makes besides its own: the admitted patients keep receiving
 * broadcasts, and a standard-group patient who joins during the attack is admitted quickly.
 */
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { events } from '../../hostile/report.js';
import { assertCliBuilt, killAll, startDoctor, startPatient, tempDir, removeDir, type CliProcess, type DoctorProcess } from './processes.js';

export const ADMITTED_LINE = /^\[step\] admitted: group key received \(opcode 30\)/;
export const CONNECTED_LINE = /^\[step\] connected to the doctor/;
const MEMBERS = ['alice', 'bob', 'carol'];

export interface AttackedConference {
  base: string;
  doctor: DoctorProcess;
  /** alice, bob and carol, admitted. */
  members: CliProcess[];
  broadcasts: number;
  dispose(): void;
}

/**
 * For a test file of attacks: checks the build first; after each test kills every process and
 * removes the conference's folder. start() is conferenceOfThree.
 */
export function useConferences(): { start: typeof conferenceOfThree } {
  let current: AttackedConference | null = null;
  beforeAll(() => assertCliBuilt());
  afterEach(async () => {
    await killAll();
    current?.dispose();
    current = null;
  });
  afterAll(() => killAll());
  return { start: async (...args) => (current = await conferenceOfThree(...args)) };
}

/** The first JSON line a hostile process printed for `event`, waiting for it up to `ms`. */
export async function eventFrom(process: CliProcess, event: string, ms = 15_000): Promise<Record<string, unknown>> {
  await process.waitFor(new RegExp(`^\\{"event":"${event}"`), ms);
  return events(process.lines).find((e) => e.event === event)!;
}

/** Starts a doctor (with extra CLI args) and admits alice, bob and carol. */
export async function conferenceOfThree(label: string, doctorArgs: string[] = [], nodeArgs: string[] = []): Promise<AttackedConference> {
  const base = tempDir(label);
  const doctor = await startDoctor({ dataDir: join(base, 'doctor'), args: doctorArgs, nodeArgs });
  const members: CliProcess[] = [];
  for (const id of MEMBERS) {
    const patient = startPatient({ id, port: doctor.port, dataDir: join(base, id) });
    await patient.waitFor(ADMITTED_LINE);
    members.push(patient);
  }
  return { base, doctor, members, broadcasts: 0, dispose: () => removeDir(base) };
}

/**
 * The doctor broadcasts `text`; resolves when alice, bob and carol printed it and the doctor
 * reported delivery to every recipient (authenticated receipts, opcode 50).
 */
export async function broadcastReachesAll(conference: AttackedConference, text: string, ms = 10_000): Promise<void> {
  const { doctor, members } = conference;
  const from = doctor.lines.length;
  const fromMember = members.map((m) => m.lines.length);
  doctor.send(text);
  const sent = await doctor.waitFor(/^Broadcast #(\d+) \(epoch \d+\) sent to (\d+) patient\(s\)/, ms, from);
  const seq = sent.match[1]!;
  const recipients = sent.match[2]!;
  const escaped = text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  await Promise.all(members.map((m, i) => m.waitFor(new RegExp(`^\\[message #${seq}\\] ${escaped}$`), ms, fromMember[i])));
  // Everyone the doctor sent it to (the members, and any newcomer admitted meanwhile) acknowledged it.
  const delivered = await doctor.waitFor(new RegExp(`^\\[delivered\\] broadcast #${seq} to ${recipients}/${recipients}: (.*)$`), ms, from);
  const ids = delivered.match[1]!.split(', ');
  for (const id of MEMBERS) if (!ids.includes(id)) throw new Error(`broadcast #${seq} was not delivered to ${id}: ${delivered.line}`);
  conference.broadcasts++;
}

/**
 * Starts a new standard-group patient and waits until it is admitted; returns the milliseconds
 * from its TCP connection to its admission, as its own output shows them.
 */
export async function newcomerJoins(conference: AttackedConference, id: string, ms = 15_000): Promise<{ patient: CliProcess; joinMs: number }> {
  const patient = startPatient({ id, port: conference.doctor.port, dataDir: join(conference.base, id) });
  const connected = await patient.waitFor(CONNECTED_LINE, ms);
  const admitted = await patient.waitFor(ADMITTED_LINE, ms, connected.index);
  return { patient, joinMs: patient.times[admitted.index]! - patient.times[connected.index]! };
}

/**
 * A dead link, over real sockets and across processes: `medchat doctor` and `medchat patient` in
 * processes of their own, talking through a TCP relay in this process that can stop carrying
 * bytes while keeping both connections open (what a pulled cable or a lost address looks like to
 * TCP: nothing arrives, nothing fails). Both sides must notice within their liveness bound.
 * The exact bounds are shown on fake time (tests/main/doctor/liveness.test.ts); here the point is
 * the real thing end to end, so the timing checks leave room for a loaded machine.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { assertCliBuilt, killAll, removeDir, startDoctor, startHostile, startPatient, tempDir } from './support/processes.js';
import { eventFrom } from './support/under-attack.js';
import { events } from '../hostile/report.js';
import { recordFault } from './support/fault-table.js';

const BOUND_S = 3;
const ADMITTED = /^\[step\] admitted: group key received \(opcode 30\)/;

/** A TCP relay to `port` whose `up` flag decides whether bytes get through (both ways). */
async function relayTo(port: number): Promise<{ port: number; link: { up: boolean }; close(): Promise<void> }> {
  const link = { up: true };
  const sockets = new Set<Socket>();
  const server: Server = createServer((inbound) => {
    const outbound = connect({ host: '127.0.0.1', port });
    for (const s of [inbound, outbound]) {
      sockets.add(s);
      s.on('error', () => {});
      s.on('close', () => sockets.delete(s));
    }
    inbound.on('data', (chunk) => void (link.up && outbound.write(chunk)));
    outbound.on('data', (chunk) => void (link.up && inbound.write(chunk)));
    // A close does not cross a dead link either.
    inbound.on('close', () => void (link.up && outbound.destroy()));
    outbound.on('close', () => void (link.up && inbound.destroy()));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as { port: number }).port,
    link,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const dirs: string[] = [];
const closers: (() => Promise<void>)[] = [];
beforeAll(() => assertCliBuilt());
afterEach(async () => {
  await killAll();
  for (const c of closers.splice(0)) await c();
  for (const d of dirs.splice(0)) removeDir(d);
});
afterAll(() => killAll());

describe('a dead link between separate processes', () => {
  it(`is noticed by the doctor and by the patient within the ${BOUND_S} s bound, a patient on a live link stays, and the cut-off one returns with the link`, async () => {
    const base = tempDir('liveness');
    dirs.push(base);
    const liveness = ['--liveness', String(BOUND_S)];
    const doctor = await startDoctor({ dataDir: join(base, 'doctor'), args: liveness });
    const relay = await relayTo(doctor.port);
    closers.push(relay.close);
    const alice = startPatient({ id: 'alice', port: relay.port, dataDir: join(base, 'alice'), args: liveness });
    const bob = startPatient({ id: 'bob', port: doctor.port, dataDir: join(base, 'bob'), args: liveness });
    await Promise.all([alice.waitFor(ADMITTED), bob.waitFor(ADMITTED)]);
    // Heartbeats flow for a while: nobody is dropped on a healthy link.
    await new Promise((r) => setTimeout(r, BOUND_S * 1000 * 1.5));
    expect(doctor.matching(/^\[unreachable\]/)).toEqual([]);

    const from = doctor.lines.length;
    const cut = Date.now();
    relay.link.up = false;
    const [doctorSaw, patientSaw] = await Promise.all([
      doctor.waitFor(/^\[unreachable\] alice \([^)]+\): nothing authenticated for (\d+\.\d) s \(bound 3\.0 s\); removed$/, 20_000, from).then((m) => ({ m, at: Date.now() })),
      alice.waitFor(/^\[reconnecting\] Nothing authenticated arrived from the doctor for (\d+\.\d) s \(bound 3 s\); the link is taken as dead\. Attempt 1 in /, 20_000).then((m) => ({ m, at: Date.now() })),
    ]);
    const doctorMs = doctorSaw.at - cut;
    const patientMs = patientSaw.at - cut;
    console.log(`dead link noticed: doctor after ${doctorMs} ms (silent ${doctorSaw.m.match[1]} s), patient after ${patientMs} ms (silent ${patientSaw.m.match[1]} s); bound ${BOUND_S} s`);
    // The silence each side measured is within its bound; the wall time since the cut is at most
    // that (a sign of life can predate the cut by up to a heartbeat interval), with 2 s for a
    // loaded machine's late timers.
    expect(Number(doctorSaw.m.match[1])).toBeLessThanOrEqual(BOUND_S + 2);
    expect(Number(patientSaw.m.match[1])).toBeLessThanOrEqual(BOUND_S + 2);
    expect(doctorMs).toBeLessThanOrEqual(BOUND_S * 1000 + 2_000);
    expect(patientMs).toBeLessThanOrEqual(BOUND_S * 1000 + 2_000);
    // Not before the bound less a check interval and a heartbeat interval either.
    expect(doctorMs).toBeGreaterThanOrEqual(((BOUND_S * 1000) * (5 / 6 - 1 / 3)) - 50);
    expect(patientMs).toBeGreaterThanOrEqual(((BOUND_S * 1000) * (5 / 6 - 1 / 3)) - 50);

    // The doctor rekeyed without alice; bob, on a live link, still gets broadcasts.
    await doctor.waitFor(/^\[rekey\] epoch \d+ \(departure of alice\); 1 patient\(s\)$/, 10_000, from);
    doctor.send('still here');
    await bob.waitFor(/^\[message #1\] still here$/);
    await doctor.waitFor(/^Broadcast #1 \(epoch \d+\) sent to 1 patient\(s\)$/, 10_000, from);
    expect(bob.matching(/^\[disconnected\]|^\[reconnecting\]/)).toEqual([]);

    // The link comes back: alice, who kept dialling through the relay, is readmitted by itself.
    const aliceFrom = alice.lines.length;
    const back = Date.now();
    relay.link.up = true;
    await alice.waitFor(/^\[reconnected\] readmitted after \d+ attempt\(s\)$/, 45_000, aliceFrom);
    console.log(`link back: alice readmitted ${Date.now() - back} ms later`);
    await doctor.waitFor(/^\[admitted\] alice .*pinned key/, 10_000, from);
    recordFault({ cls: 'a dead link (bytes stop both ways, connections stay open; processes)', cases: 1, crashes: 0, effect: 'bob on a live link kept receiving; alice readmitted when the link came back', rowsLost: 0 });
  }, 90_000);

  it('a relay that replays old heartbeats and acknowledgements (another process) keeps neither side believing a dead link', async () => {
    const base = tempDir('zombie');
    dirs.push(base);
    const liveness = ['--liveness', String(BOUND_S)];
    const doctor = await startDoctor({ dataDir: join(base, 'doctor'), args: liveness });
    const relay = startHostile('relay', ['--listen', '0', '--mode', 'zombie', '--doctor-port', String(doctor.port)]);
    const { port } = (await eventFrom(relay, 'listening')) as { port: number };
    const alice = startPatient({ id: 'alice', port, dataDir: join(base, 'alice'), args: [...liveness, '--no-reconnect'] });
    await alice.waitFor(ADMITTED);
    doctor.send('a message alice acknowledges');
    await doctor.waitFor(/^\[delivered\] broadcast #1 to 1\/1: alice$/);
    // Heartbeats flow for a while, so the relay has answers to replay.
    await new Promise((r) => setTimeout(r, BOUND_S * 1000));
    const from = doctor.lines.length;
    const cut = Date.now();
    relay.send('cut');
    const cutEvent = await eventFrom(relay, 'cut');
    expect(cutEvent.patientFrames as number).toBeGreaterThan(0);
    expect(cutEvent.doctorFrames as number).toBeGreaterThan(0);
    const [doctorSaw, patientSaw] = await Promise.all([
      doctor.waitFor(/^\[unreachable\] alice \([^)]+\): nothing authenticated for (\d+\.\d) s \(bound 3\.0 s\); removed$/, 20_000, from).then(() => Date.now() - cut),
      alice.waitFor(/^\[disconnected\] Nothing authenticated arrived from the doctor for \d+\.\d s \(bound 3 s\); the link is taken as dead\.$/, 20_000).then(() => Date.now() - cut),
    ]);
    const replays = events(relay.lines).filter((e) => e.event === 'replayed');
    const toDoctor = replays.filter((e) => e.to === 'doctor').reduce((n, e) => n + (e.frames as number), 0);
    const toPatient = replays.filter((e) => e.to === 'patient').reduce((n, e) => n + (e.frames as number), 0);
    console.log(`replayed heartbeats: ${toDoctor} frames to the doctor, ${toPatient} to the patient; dead link noticed by the doctor after ${doctorSaw} ms, the patient after ${patientSaw} ms`);
    expect(toDoctor).toBeGreaterThan(0);
    expect(toPatient).toBeGreaterThan(0);
    expect(doctorSaw).toBeLessThanOrEqual(BOUND_S * 1000 + 2_000);
    expect(patientSaw).toBeLessThanOrEqual(BOUND_S * 1000 + 2_000);
    // Replays of valid frames are ignored, not errors that would hand a relay a way to cut sessions.
    expect(doctor.matching(/BAD_HEARTBEAT|BAD_ACK/)).toEqual([]);
    recordFault({
      cls: 'heartbeats, answers and acks replayed by a relay after the link died (processes)',
      cases: toDoctor + toPatient,
      crashes: 0,
      effect: `none: both sides took the link as dead within the ${BOUND_S} s bound`,
      rowsLost: 0,
    });
  }, 60_000);
});

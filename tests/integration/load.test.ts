/**
 * Load held, across processes (issue 10, item 6): the doctor (`medchat doctor` under
 * `node --expose-gc`), three admitted patients (`medchat patient`) and the load
 * (tests/hostile/load.ts) each in a process of their own on loopback.
 * - 500 connections at once, 100 of which never finish the handshake: those are dropped at their
 *   deadlines, and once the crowd leaves the doctor's connections and heap are back to baseline.
 * - 2,000 connections opened and closed as fast as they go.
 * - A patient that reads nothing while broadcasts pile up: dropped with a reason (NOT_READING)
 *   once a megabyte waits for it, the others unaffected.
 * alice, bob and carol receive every broadcast throughout. The doctor's `status` command gives the
 * figures; each test prints a row of the fault table (class, cases, crashes, effect, rows lost).
 * Needs the build: `npx tsc -p tsconfig.node.json`.
 */
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { runCli, startHostile, type CliProcess } from './support/processes.js';
import { broadcastReachesAll, eventFrom, useConferences, type AttackedConference } from './support/under-attack.js';
import { events } from '../hostile/report.js';
import { recordFault } from './support/fault-table.js';

const STATUS = /^Connections: (\d+) open \((\d+) admitted, (\d+) unfinished\); epoch \d+; heap ([\d.]+) MiB in use$/;
const DOCTOR_ARGS = ['--first-message-timeout', '3', '--handshake-timeout', '6'];

const conferences = useConferences();

interface Status {
  open: number;
  admitted: number;
  unfinished: number;
  heapMiB: number;
}

async function status(doctor: CliProcess): Promise<Status> {
  const from = doctor.lines.length;
  doctor.send('/status');
  const { match } = await doctor.waitFor(STATUS, 15_000, from);
  return { open: Number(match[1]), admitted: Number(match[2]), unfinished: Number(match[3]), heapMiB: Number(match[4]) };
}

/** Polls `status` until the doctor holds exactly the three members again. */
async function backToThree(doctor: CliProcess, ms = 30_000): Promise<Status> {
  const deadline = Date.now() + ms;
  for (;;) {
    const s = await status(doctor);
    if ((s.open === 3 && s.unfinished === 0) || Date.now() > deadline) return s;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** The broadcast reaches alice, bob and carol (the crowd's members do not acknowledge, so no receipt wait). */
async function membersReceive(c: AttackedConference, text: string): Promise<number> {
  const from = c.doctor.lines.length;
  const fromMember = c.members.map((m) => m.lines.length);
  c.doctor.send(text);
  const sent = await c.doctor.waitFor(/^Broadcast #(\d+) \(epoch \d+\) sent to (\d+) patient\(s\)/, 30_000, from);
  await Promise.all(c.members.map((m, i) => m.waitFor(new RegExp(`^\\[message #${sent.match[1]}\\] ${text}$`), 30_000, fromMember[i])));
  return Number(sent.match[2]);
}

/** The audit chain verifies (read by another process while the doctor runs) and has `kind` rows. */
async function auditRows(c: AttackedConference, kind: string): Promise<number> {
  const dataDir = join(c.base, 'doctor');
  const verify = await runCli(['audit', '--verify', '--data-dir', dataDir], 30_000);
  expect(verify.code, verify.output).toBe(0);
  const rows = await runCli(['audit', '--kind', kind, '--limit', '10000', '--data-dir', dataDir], 30_000);
  return rows.lines.filter((l) => l.trim()).length;
}


describe('load across processes', () => {
  it('500 connections at once, 100 never finishing: those dropped at their deadlines, then connections and heap back to baseline', async () => {
    const c = await conferences.start('crowd', DOCTOR_ARGS, ['--expose-gc']);
    await broadcastReachesAll(c, 'before the crowd');
    const baseline = await status(c.doctor);
    expect(baseline).toMatchObject({ open: 3, admitted: 3, unfinished: 0 });

    /** One crowd: 400 admitted and 100 stalled held at once, then all gone. */
    const crowdRound = async (round: number): Promise<{ peak: Status; settled: Status; ms: number; idleMs: number; helloMs: number }> => {
      const crowd = startHostile('load', ['--port', String(c.doctor.port), '--mode', 'crowd', '--count', '400', '--stall', '100', '--addresses', '50']);
      const admitted = await eventFrom(crowd, 'admitted', 240_000);
      expect(admitted.count).toBe(400);
      await eventFrom(crowd, 'stalls-open', 30_000);
      // The doctor takes the last of them in a moment after the attacker saw them connect.
      let peak = await status(c.doctor);
      for (const until = Date.now() + 2_000; peak.open < 503 && Date.now() < until; ) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        peak = await status(c.doctor);
      }
      expect(peak).toMatchObject({ open: 503, admitted: 403, unfinished: 100 });
      expect(await membersReceive(c, `during crowd ${round}`)).toBe(403);

      await eventFrom(crowd, 'stalls-ended', 60_000);
      const stalled = events(crowd.lines).filter((e) => e.event === 'stalled');
      expect(stalled).toHaveLength(100);
      for (const s of stalled) expect(s.code).toBe(s.sentHello ? 'HANDSHAKE_TIMEOUT' : 'IDLE_TIMEOUT');
      const latest = (hello: boolean) => Math.max(...stalled.filter((s) => s.sentHello === hello).map((s) => s.afterMs as number));
      // Deadlines 3 s (first message) and 6 s (handshake), plus the time to open 100 connections under load.
      expect(latest(false)).toBeLessThan(3_000 + 4_000);
      expect(latest(true)).toBeLessThan(6_000 + 4_000);

      crowd.send('leave');
      await eventFrom(crowd, 'left', 30_000);
      expect(await backToThree(c.doctor)).toMatchObject({ open: 3, admitted: 3, unfinished: 0 });
      await broadcastReachesAll(c, `after crowd ${round}`);
      return { peak, settled: await status(c.doctor), ms: admitted.ms as number, idleMs: latest(false), helloMs: latest(true) };
    };

    // The first crowd leaves lasting state behind by design (400 new pins and their look-alike
    // index entries, the receipts of recent broadcasts); the second, the same ids again, must not.
    const first = await crowdRound(1);
    const second = await crowdRound(2);
    const growth = second.peak.heapMiB - first.settled.heapMiB;
    const kept = second.settled.heapMiB - first.settled.heapMiB;
    for (const [n, r] of [[1, first], [2, second]] as const) {
      console.log(
        `crowd ${n}: heap ${n === 1 ? baseline.heapMiB : first.settled.heapMiB} MiB before, ${r.peak.heapMiB} MiB with 503 connections, ${r.settled.heapMiB} MiB after; ` +
          `400 handshakes in ${r.ms} ms; the never-finishing dropped by ${r.idleMs} ms (idle) and ${r.helloMs} ms (after hello)`,
      );
    }
    expect(growth).toBeGreaterThan(0.5);
    // A leak of the sessions would keep nearly all of the growth; bounded caches (receipts, replay
    // and rate-limit windows) keep a little: seen 0.4 of 2.6 MiB here.
    expect(kept).toBeLessThan(growth * 0.4);
    const admittedRows = await auditRows(c, 'admitted');
    expect(admittedRows).toBeGreaterThanOrEqual(803);
    recordFault({
      cls: '500 concurrent connections, 100 never finishing the handshake (twice, across processes)',
      cases: 1000,
      crashes: c.doctor.done ? 1 : 0,
      effect: 'none: alice, bob and carol received every broadcast',
      rowsLost: Math.max(0, 803 - admittedRows),
    });
  }, 300_000);

  it('2,000 connections opened and closed at once: the doctor keeps serving, back to three connections', async () => {
    const c = await conferences.start('churn', DOCTOR_ARGS, ['--expose-gc']);
    await broadcastReachesAll(c, 'before the churn');
    const baseline = await status(c.doctor);
    const churn = startHostile('load', ['--port', String(c.doctor.port), '--mode', 'churn', '--count', '2000', '--parallel', '16']);
    await eventFrom(churn, 'started', 30_000);
    // Broadcasts back to back for as long as the loop runs: each must reach all three members.
    let during = 0;
    while (!churn.lines.some((l) => l.startsWith('{"event":"summary"'))) {
      await broadcastReachesAll(c, `during the churn ${during++}`, 30_000);
    }
    const summary = await eventFrom(churn, 'summary', 120_000);
    expect(summary).toMatchObject({ count: 2000, connected: 2000 });
    expect(during).toBeGreaterThan(0);
    const after = await backToThree(c.doctor);
    expect(after).toMatchObject({ open: 3, admitted: 3, unfinished: 0 });
    await broadcastReachesAll(c, 'after the churn');
    const settled = await status(c.doctor);
    console.log(`churn: 2000 connections in ${String(summary.ms)} ms, ${during} broadcasts meanwhile; heap ${baseline.heapMiB} MiB before, ${settled.heapMiB} MiB after`);
    expect(settled.heapMiB - baseline.heapMiB).toBeLessThan(4);
    const broadcastRows = await auditRows(c, 'broadcast');
    const broadcasts = c.doctor.lines.filter((l) => /^Broadcast #\d+ /.test(l)).length;
    expect(broadcastRows).toBe(broadcasts);
    recordFault({
      cls: 'connect-disconnect loop, every third after half a hello (across processes)',
      cases: 2000,
      crashes: c.doctor.done ? 1 : 0,
      effect: 'none: alice, bob and carol received every broadcast',
      rowsLost: broadcasts - broadcastRows,
    });
  }, 240_000);

  it('a patient that reads nothing is dropped with a reason once a megabyte waits for it; the others keep receiving', async () => {
    const c = await conferences.start('deaf', DOCTOR_ARGS, ['--expose-gc']);
    const deaf = startHostile('load', ['--port', String(c.doctor.port), '--mode', 'deaf', '--id', 'dora']);
    await eventFrom(deaf, 'admitted', 30_000);
    const from = c.doctor.lines.length;
    const text = 'x'.repeat(7_900);
    let sent = 0;
    // Broadcasts of 8 kB, in bursts, until the doctor lets go of the patient that does not read.
    const removed = /^\[removed\] dora \(127\.33\.0\.1:\d+\): session ended \(NOT_READING\)$/;
    while (!c.doctor.lines.slice(from).some((l) => removed.test(l))) {
      expect(sent, 'broadcasts sent without the deaf patient being dropped').toBeLessThan(4_000);
      for (let i = 0; i < 50; i++) c.doctor.send(`${text} ${sent++}`);
      // The burst is through once the doctor has answered its last line (sequence numbers start at 1 here).
      await c.doctor.waitFor(new RegExp(`^Broadcast #${sent} \\(epoch \\d+\\) sent to \\d+ patient\\(s\\)`), 60_000, from);
    }
    await c.doctor.waitFor(/^\[protocol-error\] dora \(127\.33\.0\.1:\d+\): NOT_READING: 1\.\d MiB waiting unsent$/, 5_000, from);
    await c.doctor.waitFor(/^\[rekey\] epoch \d+ \((?:departure of dora|before broadcast)\); 3 patient\(s\)$/, 10_000, from);
    await broadcastReachesAll(c, 'after dora was dropped', 60_000);
    const settled = await status(c.doctor);
    expect(settled).toMatchObject({ open: 3, admitted: 3 });
    deaf.send('read');
    const closed = await eventFrom(deaf, 'closed', 30_000);
    console.log(`deaf: dropped after ${sent} broadcasts of 8 kB; ${String(closed.broadcasts)} had reached it; heap ${settled.heapMiB} MiB after`);
    expect(closed.broadcasts as number).toBeLessThan(sent);
    const broadcastRows = await auditRows(c, 'broadcast');
    const broadcasts = c.doctor.lines.filter((l) => /^Broadcast #\d+ /.test(l)).length;
    expect(broadcastRows).toBe(broadcasts);
    recordFault({
      cls: 'a patient that reads nothing while 8 kB broadcasts pile up (across processes)',
      cases: sent,
      crashes: c.doctor.done ? 1 : 0,
      effect: 'none: the other three received every broadcast; the deaf one dropped with NOT_READING',
      rowsLost: broadcasts - broadcastRows,
    });
  }, 240_000);
});

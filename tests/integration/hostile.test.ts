/**
 * The attacks of issue 7, each run as an outsider would run it: the doctor, three admitted
 * patients and the attacker (tests/hostile/*.ts, speaking the wire protocol with bad intent) are
 * separate processes on loopback. The attacker takes source addresses of its own in 127.0.0.0/8,
 * as another host would. Every test asserts the doctor's reply to the attacker, the audit row it
 * leaves, that alice, bob and carol keep receiving broadcasts, and that a standard-group patient
 * who joins during the attack is admitted within 2 s.
 * Needs the build: `npx tsc -p tsconfig.node.json`.
 */
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { runCli, startDoctor, startHostile, startPatient } from './support/processes.js';
import { broadcastReachesAll, eventFrom, newcomerJoins, useConferences, ADMITTED_LINE, type AttackedConference } from './support/under-attack.js';
import { events } from '../hostile/report.js';

const JOIN_BUDGET_MS = 2_000;

const conferences = useConferences();

/** The newcomer joins within the budget, and the three members still receive a broadcast. */
async function conferenceStillServes(c: AttackedConference, newcomer: string, text: string): Promise<void> {
  const { joinMs } = await newcomerJoins(c, newcomer);
  // Printed for the record (the figures in issue 7's closing note come from these lines).
  console.log(`${expect.getState().currentTestName}: ${newcomer} admitted in ${joinMs} ms`);
  expect(joinMs).toBeLessThan(JOIN_BUDGET_MS);
  await broadcastReachesAll(c, text);
}

describe('item 1: a relay at a pinned address answers with another doctor id', () => {
  it('is refused as a key change; the patient never sends it opcode 10', async () => {
    const c = await conferences.start('pin');
    // frank reaches the doctor through a forwarder the first time, and pins the doctor there.
    const forwarder = startHostile('relay', ['--listen', '0', '--mode', 'forward', '--doctor-port', String(c.doctor.port)]);
    const port = String((await eventFrom(forwarder, 'listening')).port);
    const first = startPatient({ id: 'frank', port: Number(port), dataDir: join(c.base, 'frank') });
    await first.waitFor(ADMITTED_LINE);
    await first.waitFor(/^Doctor key: .*first contact, pinned now/);
    expect(await first.stop()).toBe(0);
    forwarder.kill();
    await forwarder.exited;
    // The address now answers with another key under another doctor id.
    const relay = startHostile('relay', ['--listen', port, '--mode', 'impersonate', '--doctor-id', 'dr-relay']);
    await eventFrom(relay, 'listening');
    const again = startPatient({ id: 'frank', port: Number(port), dataDir: join(c.base, 'frank') });
    await again.waitFor(/^\[key-changed\]/);
    await again.waitExit();
    await eventFrom(relay, 'patient-closed');
    expect(events(relay.lines).filter((e) => e.event === 'got-op10')).toEqual([]);
    const audit = await runCli(['audit', '--data-dir', join(c.base, 'frank'), '--role', 'patient', '--kind', 'doctor-key-changed']);
    expect(audit.output).toMatch(/doctor-key-changed/);
    expect(audit.output).toMatch(/dr-relay/);
    await conferenceStillServes(c, 'dave', 'after the relay');
  });
});

describe('item 2: one address holds connections to keep new patients out', () => {
  it('refuses connections past the per-address cap with opcode 60, drops idle ones early, and serves others', async () => {
    const c = await conferences.start('hold', ['--max-per-address', '8', '--first-message-timeout', '1']);
    await broadcastReachesAll(c, 'before the attack');
    const attacker = startHostile('hold-connections', ['--port', String(c.doctor.port), '--from', '127.0.0.2', '--count', '60', '--seconds', '5']);
    await attacker.waitFor(/"code":"TOO_MANY_CONNECTIONS"/);
    await conferenceStillServes(c, 'dave', 'during the attack');
    const summary = await eventFrom(attacker, 'summary');
    const endings = summary.endings as Record<string, number>;
    expect(endings['TOO_MANY_CONNECTIONS']).toBeGreaterThan(0);
    expect(endings['IDLE_TIMEOUT']).toBeGreaterThan(0);
    expect(endings['bare close']).toBeUndefined();
    await c.doctor.waitFor(/^\[refused\] \(127\.0\.0\.2:\d+\): too many unfinished connections from 127\.0\.0\.2 \(8, the cap\)/);
    await c.doctor.waitFor(/^\[protocol-error\] \(127\.0\.0\.2:\d+\): IDLE_TIMEOUT/);
  });

  it('says "conference full" at the total cap, and a trickled hello times out like an idle one', async () => {
    const c = await conferences.start('full', ['--max-connections', '5', '--first-message-timeout', '1']);
    const attacker = startHostile('hold-connections', ['--port', String(c.doctor.port), '--from', '127.0.0.2', '--count', '4', '--seconds', '3', '--mode', 'trickle']);
    await attacker.waitFor(/"code":"CONFERENCE_FULL"/);
    const summary = await eventFrom(attacker, 'summary');
    const endings = summary.endings as Record<string, number>;
    expect(endings['CONFERENCE_FULL']).toBeGreaterThan(0);
    expect(endings['IDLE_TIMEOUT']).toBeGreaterThan(0);
    expect(endings['bare close']).toBeUndefined();
    await c.doctor.waitFor(/^\[refused\] \(127\.0\.0\.2:\d+\): conference full \(5 connections, the cap\)/);
    await attacker.waitExit();
    await conferenceStillServes(c, 'dave', 'after the attack');
  });
});

describe('item 2, continued: many addresses, each within its limits', () => {
  it('handshakes that cost the attacker nothing, from twelve addresses, do not hold back a newcomer', async () => {
    const c = await conferences.start('cheap');
    const flood = ['--mode', 'cheap-handshakes', '--addresses', '12', '--per-address', '8', '--bits', '4096', '--seconds', '8'];
    const attacker = startHostile('floods', ['--port', String(c.doctor.port), ...flood]);
    await c.doctor.waitFor(/^\[join\] cheap\d+x0 \(127\.0\.4\.\d+:\d+\)/);
    await c.doctor.waitFor(/^\[join\] cheap\d+x1 /);
    await conferenceStillServes(c, 'dave', 'during the cheap handshakes');
    const summary = await eventFrom(attacker, 'summary', 30_000);
    expect((summary.tally as Record<string, number>)['op10 20']).toBeGreaterThan(8);
  });
});

describe('item 3: custom groups that cost the doctor CPU', () => {
  it('refuses non-canonical generators at once', async () => {
    const c = await conferences.start('spin');
    const attacker = startHostile('custom-groups', ['--port', String(c.doctor.port), '--mode', 'generator-spin', '--count', '10']);
    const summary = await eventFrom(attacker, 'summary');
    expect(summary.replies).toEqual({ BAD_GROUP: 10 });
    await c.doctor.waitFor(/^\[protocol-error\] spin0 \(127\.0\.0\.3:\d+\): BAD_GROUP: the standard prime ffdhe2048 is accepted only with its generator g = 2/);
    await conferenceStillServes(c, 'dave', 'after the spin');
  });

  it('keeps primality checks of a flood of primes from many addresses off the workers others need', async () => {
    const c = await conferences.start('flood');
    const attacker = startHostile('custom-groups', ['--port', String(c.doctor.port), '--mode', 'prime-flood', '--addresses', '8', '--seconds', '6']);
    await attacker.waitFor(/"reply":"(BAD_GROUP|GROUPS_BUSY)"/, 20_000);
    await conferenceStillServes(c, 'dave', 'during the flood');
    await conferenceStillServes(c, 'erin', 'still during the flood');
    const summary = await eventFrom(attacker, 'summary', 30_000);
    const replies = summary.replies as Record<string, number>;
    expect(Object.keys(replies).sort()).toEqual(expect.arrayContaining(['BAD_GROUP']));
    expect(Object.keys(replies).every((k) => k === 'BAD_GROUP' || k === 'GROUPS_BUSY'), JSON.stringify(replies)).toBe(true);
    await c.doctor.waitFor(/^\[protocol-error\] flood\d+x\d+ \(127\.0\.0\.\d+:\d+\): BAD_GROUP: the modulus p is not a safe prime/);
  });
});

describe('item 4: peer text that poses as the doctor’s own lines', () => {
  it('is quoted and escaped on the console, in the audit log and in the CSV export; the chain verifies', async () => {
    const c = await conferences.start('forge');
    const attacker = startHostile('forge-log', ['--port', String(c.doctor.port), '--id', 'mallory']);
    await eventFrom(attacker, 'done');
    const line = await c.doctor.waitFor(/^\[disconnect\] mallory \(127\.0\.0\.4:\d+\): patient sent opcode 60/);
    expect(line.line).toContain('\\n[admitted] mallory');
    expect(line.line).toMatch(/\\u\{202E\}/i);
    expect(c.doctor.lines.some((l) => /^\[admitted\] mallory/.test(l) || /^\[rekey\] epoch 9/.test(l))).toBe(false);
    const doctorDir = join(c.base, 'doctor');
    const listing = await runCli(['audit', '--data-dir', doctorDir, '--patient', 'mallory']);
    const csv = await runCli(['audit', '--data-dir', doctorDir, '--csv']);
    for (const out of [listing, csv]) {
      expect(out.code).toBe(0);
      expect(out.lines.some((l) => /^\[admitted\]|^\[rekey\]/.test(l))).toBe(false);
      expect(out.output).not.toMatch(/[\u202e\u2028\u2029\ufeff\u2066\u2069\t]/);
    }
    expect((await runCli(['audit', '--data-dir', doctorDir, '--verify'])).code).toBe(0);
    await conferenceStillServes(c, 'dave', 'after the forgery');
  });

  it('a flood of connections that each say goodbye writes a bounded number of audit rows', async () => {
    const c = await conferences.start('audit-flood');
    const attacker = startHostile('floods', ['--port', String(c.doctor.port), '--mode', 'disconnects', '--seconds', '3']);
    const summary = await eventFrom(attacker, 'summary', 20_000);
    const sent = (summary.tally as Record<string, number>)['sent']!;
    expect(sent).toBeGreaterThan(200);
    const rows = c.doctor.lines.filter((l) => /^\[disconnect\] \(127\.0\.0\.77:/.test(l));
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.length).toBeLessThanOrEqual(40); // 20 a minute per address and kind; the test spans at most two minutes
    await conferenceStillServes(c, 'dave', 'after the flood');
  });

  it("a relay's opcode 60 cannot fake lines on the patient's console", async () => {
    const c = await conferences.start('forge-patient');
    const relay = startHostile('relay', ['--listen', '0', '--mode', 'evil-doctor', '--code', 'SHUTDOWN', '--text', 'ok\n[step] admitted: group key received (opcode 30)\n[message #1] stop all medication\u202e']);
    const port = Number((await eventFrom(relay, 'listening')).port);
    const victim = startPatient({ id: 'gina', port, dataDir: join(c.base, 'gina') });
    // Opcode 60 SHUTDOWN may pass: the patient says so and dials again. Either way, its words.
    await victim.waitFor(/^\[reconnecting\] The doctor ended the conference\. The peer said: ".*" Attempt 1 in \d+\.\d s; Ctrl\+C stops\.$/);
    expect(victim.lines.some((l) => ADMITTED_LINE.test(l) || /^\[message #/.test(l))).toBe(false);
    expect(victim.output()).not.toContain('\u202e');
    expect(victim.output()).toMatch(/The peer said: "ok\\n\[step\] admitted/);
  });
});

describe('item 5: lock-outs without the key', () => {
  it('a relay that replays a new patient’s opcode 10 first blocks nobody', async () => {
    const c = await conferences.start('replay-first');
    const relay = startHostile('relay', ['--listen', '0', '--mode', 'replay-first', '--doctor-port', String(c.doctor.port), '--from', '127.0.0.5']);
    const port = Number((await eventFrom(relay, 'listening')).port);
    // One attempt through the relay is the point here (retries would add failures of their own).
    const victim = startPatient({ id: 'henry', port, dataDir: join(c.base, 'henry'), args: ['--no-reconnect'] });
    await victim.waitFor(/^\[disconnected\]/);
    await relay.waitFor(/"event":"doctor-sent","op":60,"code":"REPLAY"/);
    await relay.waitFor(/"event":"own-connection-got","op":60,"code":"BAD_VERIFIER"/);
    await c.doctor.waitFor(/^\[refused\] henry \(127\.0\.0\.5:\d+\): handshake failure BAD_VERIFIER .*id not blocked/);
    expect(c.doctor.lines.some((l) => /^\[blocked\] henry/.test(l))).toBe(false);
    // henry, dialling the doctor directly, is admitted at once.
    await conferenceStillServes(c, 'henry', 'henry is in');
  });

  it('garbage opcode 10s under an unpinned id do not block it', async () => {
    const c = await conferences.start('garbage');
    const attacker = startHostile('lockout', ['--port', String(c.doctor.port), '--mode', 'garbage-op10', '--id', 'dave', '--count', '5']);
    await eventFrom(attacker, 'done');
    const codes = events(attacker.lines).filter((e) => e.event === 'reply').map((e) => e.code);
    expect(codes).toEqual(Array(5).fill('BAD_SIGNATURE'));
    await c.doctor.waitFor(/^\[refused\] dave \(127\.0\.0\.6:\d+\): handshake failure BAD_SIGNATURE/);
    expect(c.doctor.lines.some((l) => /^\[blocked\] dave/.test(l))).toBe(false);
    await conferenceStillServes(c, 'dave', 'dave is in');
  });

  it("key-change requests from an outsider do not take the owner's place", async () => {
    const c = await conferences.start('spam', ['--policy', 'tofu']);
    const attacker = startHostile('lockout', ['--port', String(c.doctor.port), '--mode', 'key-change-spam', '--id', 'alice', '--from', '127.0.0.7', '--count', '6']);
    await eventFrom(attacker, 'done');
    const codes = events(attacker.lines).filter((e) => e.event === 'reply').map((e) => e.code);
    expect(codes).toEqual(Array(6).fill('PENDING_KEY_CHANGE'));
    await c.doctor.waitFor(/^\[impostor\] alice \(127\.0\.0\.7:\d+\): proved key .*queued for the doctor as a key change/);
    // alice on a new device (a new key), from her own address: her request is queued beside the outsider's one.
    const device = startPatient({ id: 'alice', port: c.doctor.port, dataDir: join(c.base, 'alice-new-device') });
    await device.waitFor(/^\[disconnected\] .*asked to accept the new key/);
    const from = c.doctor.lines.length;
    c.doctor.send('/list');
    await c.doctor.waitFor(/^Blocked \(0\):/, 10_000, from);
    await c.doctor.waitFor(/waiting for approval \(key change\): alice from 127\.0\.0\.1:/, 10_000, from);
    await c.doctor.waitFor(/waiting for approval \(key change\): alice from 127\.0\.0\.7:/, 10_000, from);
    const requests = c.doctor.lines.slice(from).filter((l) => /waiting for approval \(key change\): alice/.test(l));
    expect(requests, requests.join('\n')).toHaveLength(2);
    await broadcastReachesAll(c, 'alice was not evicted');
  });
});

describe('item 5, continued: the approval queue', () => {
  it('outsiders asking under the id of a patient who waits for approval cannot push the patient out', async () => {
    const c = await conferences.start('queue');
    // A look-alike id waits for the doctor under trust on first use; outsiders then ask under it.
    const waiting = startPatient({ id: 'aIice', port: c.doctor.port, dataDir: join(c.base, 'look') });
    await waiting.waitFor(/^\[waiting\]/);
    const fp = (await waiting.waitFor(/^Your key: (\d{5}( \d{5}){5})$/)).match[1]!;
    const attacker = startHostile('floods', ['--port', String(c.doctor.port), '--mode', 'fake-requests', '--id', 'aIice', '--count', '4', '--seconds', '20']);
    const holding = await eventFrom(attacker, 'holding');
    expect(holding.requests).toBe(4);
    // The attacker's requests replaced one another (one per address); the patient still waits.
    expect(waiting.done).toBe(false);
    expect(waiting.lines.some((l) => /^\[disconnected\]/.test(l))).toBe(false);
    await c.doctor.waitFor(/^\[request-replaced\] aIice \(127\.0\.0\.50:/);
    c.doctor.send(`/approve aIice ${fp.replace(/ /g, '')}`);
    await waiting.waitFor(ADMITTED_LINE);
    await broadcastReachesAll(c, 'approved in spite of the outsiders');
  });
});

describe('item 6: a replay across a doctor restart', () => {
  it('is refused as a replay, never answered with a signed opcode 20', async () => {
    const c = await conferences.start('restart', ['--delta-ts', '60']);
    const file = join(c.base, 'recorded.json');
    const relay = startHostile('relay', ['--listen', '0', '--mode', 'forward', '--doctor-port', String(c.doctor.port), '--record', file]);
    const port = Number((await eventFrom(relay, 'listening')).port);
    const ivan = startPatient({ id: 'ivan', port, dataDir: join(c.base, 'ivan') });
    await ivan.waitFor(ADMITTED_LINE);
    await eventFrom(relay, 'recorded');
    expect(await c.doctor.stop()).toBe(0);
    const doctor = await startDoctor({ dataDir: join(c.base, 'doctor'), port: c.doctor.port, args: ['--delta-ts', '60'] });
    const attacker = startHostile('replay', ['--port', String(doctor.port), '--file', file]);
    const reply = await eventFrom(attacker, 'op10-reply');
    expect(reply).toMatchObject({ op: 60, code: 'REPLAY' });
    await doctor.waitFor(/^\[refused\] ivan \(127\.0\.0\.8:\d+\): handshake failure REPLAY/);
    // The restarted doctor serves everyone else as before: the members come back by themselves.
    c.doctor = Object.assign(doctor, {});
    for (const p of c.members) await p.waitFor(/^\[reconnected\] readmitted after \d+ attempt\(s\)$/, 45_000);
    await conferenceStillServes(c, 'dave', 'after the restart');
  });
});

describe('item 7: look-alike ids', () => {
  it('holds aIice, Alice and a1ice for the doctor with a warning, under trust on first use', async () => {
    const c = await conferences.start('lookalike');
    for (const id of ['aIice', 'Alice', 'a1ice']) {
      const p = startPatient({ id, port: c.doctor.port, dataDir: join(c.base, `look-${id}`) });
      await p.waitFor(/^\[waiting\]/);
      await c.doctor.waitFor(new RegExp(`^\\[look-alike\\] ${id} \\(127\\.0\\.0\\.1:\\d+\\): new id looks like (.*, )?alice(,|;)`));
    }
    expect(c.doctor.lines.some((l) => /^\[admitted\] (aIice|Alice|a1ice)/.test(l))).toBe(false);
    await conferenceStillServes(c, 'dave', 'look-alikes wait');
  });
});

describe('issue 9: coalesced rekeys against patients that join and leave without pause', () => {
  it('never broadcasts under a key a departed patient held, and the members get every message', async () => {
    // Without the seed's rekey before every broadcast, the window alone must keep the guarantee.
    const c = await conferences.start('churn', ['--no-rekey-before-broadcast']);
    const from = c.doctor.lines.length;
    const fromMember = c.members.map((m) => m.lines.length);
    const attacker = startHostile('churn', ['--port', String(c.doctor.port), '--ids', '4', '--seconds', '5']);
    const texts: string[] = [];
    for (let i = 1; !attacker.lines.some((l) => l.startsWith('{"event":"summary"')) && i <= 40; i++) {
      texts.push(`during the churn ${i}`);
      c.doctor.send(texts.at(-1)!);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    const summary = await eventFrom(attacker, 'summary', 30_000);
    expect(Number(summary.rounds)).toBeGreaterThan(8);
    const left = events(attacker.lines).filter((e) => e.event === 'left') as unknown as { id: string; epoch: number }[];
    await c.doctor.waitFor(new RegExp(`^\\[removed\\] ${left.at(-1)!.id} `), 10_000);
    // Every member received every broadcast.
    for (const [i, m] of c.members.entries()) {
      for (const text of texts) await m.waitFor(new RegExp(`^\\[message #\\d+\\] ${text}$`), 10_000, fromMember[i]);
    }
    // The k-th departure of an id at the doctor is the k-th "left" the attacker reported, with
    // the newest epoch it held; every broadcast after that departure uses a newer epoch.
    const heldAt = new Map<string, number[]>();
    for (const e of left) heldAt.set(e.id, [...(heldAt.get(e.id) ?? []), e.epoch]);
    const departed: number[] = [];
    // A newcomer is handed the current key only while no broadcast has used it.
    const used = new Set<number>();
    let handouts = 0;
    let broadcasts = 0;
    let checked = 0;
    for (const line of c.doctor.lines.slice(from)) {
      const removed = /^\[removed\] (churner\d+) /.exec(line);
      if (removed) departed.push(heldAt.get(removed[1]!)!.shift()!);
      const handout = /^\[group-key\] \S+ \([^)]+\): epoch (\d+) /.exec(line);
      if (handout) {
        expect(used.has(Number(handout[1])), line).toBe(false);
        handouts++;
      }
      const sent = /^Broadcast #\d+ \(epoch (\d+)\) sent to /.exec(line);
      if (!sent) continue;
      used.add(Number(sent[1]));
      broadcasts++;
      for (const held of departed) {
        expect(Number(sent[1]), line).toBeGreaterThan(held);
        checked++;
      }
    }
    expect(broadcasts).toBe(texts.length);
    expect(checked).toBeGreaterThan(0);
    // Joins and departures shared rekeys: fewer rekeys than membership changes.
    const changes = c.doctor.lines.slice(from).filter((l) => /^\[(admitted|removed)\] churner/.test(l)).length;
    const rekeys = c.doctor.lines.slice(from).filter((l) => /^\[rekey\]/.test(l)).length;
    console.log(`churn: ${left.length} departures, ${changes} membership changes, ${rekeys} rekeys, ${handouts} unused keys handed out, ${broadcasts} broadcasts, ${checked} checks`);
    expect(handouts).toBeGreaterThan(0);
    expect(rekeys).toBeLessThan(changes + broadcasts);
    await conferenceStillServes(c, 'dave', 'after the churn');
  });
});

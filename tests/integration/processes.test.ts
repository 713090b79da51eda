/**
 * The doctor and each patient in a SEPARATE PROCESS, talking over loopback TCP: the compiled CLI
 * (bin/medchat.js) as a user runs it, with real time and real signals (Ctrl+C is SIGINT).
 * Needs the build: `npx tsc -p tsconfig.node.json`.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AUDIT_SEAL_VAULT_ID, openStoreFile } from '../../src/main/store/index.js';
import {
  ADMITTED,
  joinPatient,
  LISTENING,
  PERF_HEADER,
  runCli,
  startDoctor,
  startPatient,
  useTestDirs,
  type CliProcess,
  type DoctorProcess,
} from './support/processes.js';
import { recordFault } from './support/fault-table.js';

const STACK_FRAME = /^\s+at .+[(:]\d+/m;
const dir = useTestDirs();

/** Waits until the doctor's group key line says `n` patients hold the key. */
function membersAre(doctor: CliProcess, n: number, from = 0) {
  // Joins close together share one rekey: "(join of a)" or "(2 joins: a, b)"; a join while
  // the key is unused gets that key: "[group-key] b (address): epoch 1 (...)".
  return doctor.waitFor(
    new RegExp(`^(?:\\[rekey\\] epoch \\d+ \\((?:join of|\\d+ joins:) [^)]+\\)|\\[group-key\\] \\S+ \\([^)]+\\): epoch \\d+ \\([^)]+\\)); ${n} patient\\(s\\)$`),
    15_000,
    from,
  );
}

describe('medchat doctor and medchat patient in separate processes', () => {
  it('a. three patients join and all receive a broadcast; both sides print the performance table', async () => {
    const base = dir('broadcast');
    const doctor = await startDoctor({ dataDir: join(base, 'doctor') });
    expect(doctor.port).toBeGreaterThan(0);
    const ids = ['alice', 'bob', 'carol'];
    const patients = await Promise.all(ids.map((id) => joinPatient(id, doctor.port, join(base, id))));
    await membersAre(doctor, 3);

    // Each patient showed every handshake step in order, then its table with the seed's columns.
    for (const p of patients) {
      const steps = p.matching(/^\[step\] /);
      expect(steps).toEqual([
        '[step] connected to the doctor',
        '[step] sent id and public key (opcode 5)',
        "[step] doctor's key received; sent encrypted, signed session secret (opcode 10)",
        "[step] doctor's signed session token verified; session secret matches (opcode 20)",
        '[step] sent session key verifier (SKV)',
        '[step] admitted: group key received (opcode 30)',
      ]);
      expect(p.output()).toMatch(/^Patient \w+ performance \(handshake\):\n\| Primitive/m);
      expect(p.output()).toMatch(/^\| Signature Verification\s+\| \d+\.\d+\s+\| 1\s+\|$/m);
    }
    // The doctor prints its cumulative table when asked (/perf) and at exit, not after every admission.
    expect(doctor.lines.filter((l) => PERF_HEADER.test(l))).toEqual([]);
    const asked = doctor.lines.length;
    doctor.send('/perf');
    const table = await doctor.waitFor(PERF_HEADER, 5_000, asked);
    expect(doctor.lines[table.index - 1]).toBe('Doctor performance (cumulative over all patients):');
    expect(doctor.output()).toMatch(/^\| ElGamal Decryption\s+\| \d+\.\d+\s+\| 3\s+\|$/m);

    const from = doctor.lines.length;
    doctor.send('Good morning, this is Dr. Lee.');
    await Promise.all(patients.map((p) => p.waitFor(/^\[message #1\] Good morning, this is Dr\. Lee\.$/)));
    await doctor.waitFor(/^Broadcast #1 \(epoch \d+\) sent to 3 patient\(s\)$/, 15_000, from);
    const delivered = await doctor.waitFor(/^\[delivered\] broadcast #1 to 3\/3: (.+)$/, 15_000, from);
    expect(delivered.match[1]!.split(', ').sort()).toEqual(ids);
    // The broadcast is audited as metadata; the text itself never reaches the doctor's log lines.
    expect(doctor.matching(/^\[broadcast\]/)).toEqual([]); // "Broadcast #1 ... sent to" says it once
    expect(doctor.matching(/Dr\. Lee/)).toEqual([]);

    for (const p of patients) p.interrupt();
    for (const p of patients) expect(await p.waitExit(5_000)).toBe(0);
    expect(await doctor.stop()).toBe(0);
  });

  it('b. a blocked patient gets opcode 80, stays refused after a doctor restart, and a short block expires', async () => {
    const base = dir('block');
    const doctorDir = join(base, 'doctor');
    let doctor: DoctorProcess = await startDoctor({ dataDir: doctorDir });
    const port = doctor.port;
    const [alice, bob] = await Promise.all([joinPatient('alice', port, join(base, 'alice')), joinPatient('bob', port, join(base, 'bob'))]);
    await membersAre(doctor, 2);

    doctor.send('/block alice 1');
    await doctor.waitFor(/^Blocked alice until \d{4}-/);
    await alice.waitFor(/^\[blocked\] Blocked by the doctor until \d{4}-.* The doctor said: "The doctor blocked you for 1 min\."$/);
    expect(await alice.waitExit(5_000)).toBe(2);
    // bob is blocked for 0.05 min (3 s): refused now, admitted again once it has expired.
    doctor.send('/block bob 0.05');
    await bob.waitFor(/^\[blocked\] Blocked by the doctor until .* The doctor said: "The doctor blocked you for 0\.05 min\."/);
    const bobBlockedAt = Date.now();
    expect(await bob.waitExit(5_000)).toBe(2);

    const again = startPatient({ id: 'alice', port, dataDir: join(base, 'alice') });
    expect(await again.waitExit()).toBe(2);
    expect(again.output()).toMatch(/^\[blocked\] Blocked by the doctor until .* The doctor said: "You are blocked \(blocked by the doctor\); about 1 min left\."/m);
    expect(again.matching(ADMITTED)).toEqual([]);
    await doctor.waitFor(/^\[refused\] alice \(127\.0\.0\.1:\d+\): blocked until /);

    // Restart on the same port and data dir: the block list is on disk.
    expect(await doctor.stop()).toBe(0);
    doctor = await startDoctor({ dataDir: doctorDir, port });
    expect(doctor.port).toBe(port);
    const afterRestart = startPatient({ id: 'alice', port, dataDir: join(base, 'alice') });
    expect(await afterRestart.waitExit()).toBe(2);
    expect(afterRestart.output()).toMatch(/^\[blocked\] Blocked by the doctor until .* The doctor said: "You are blocked/m);
    await doctor.waitFor(/^\[refused\] alice .*: blocked until /);

    // bob's 3 s block, also carried over the restart, has run out: he is admitted again.
    await new Promise((r) => setTimeout(r, Math.max(0, bobBlockedAt + 3_300 - Date.now())));
    const bobAgain = await joinPatient('bob', port, join(base, 'bob'));
    expect(bobAgain.output()).toMatch(/^Doctor key: .* \(matches the pinned key\)$/m);
    bobAgain.interrupt();
    expect(await bobAgain.waitExit(5_000)).toBe(0);
    expect(await doctor.stop()).toBe(0);
  }, 45_000);

  it('c. Ctrl+C on a patient sends opcode 90: the doctor removes it and rekeys', async () => {
    const base = dir('leave');
    const doctor = await startDoctor({ dataDir: join(base, 'doctor') });
    const [alice, bob] = await Promise.all([joinPatient('alice', doctor.port, join(base, 'alice')), joinPatient('bob', doctor.port, join(base, 'bob'))]);
    await membersAre(doctor, 2);

    const from = doctor.lines.length;
    alice.interrupt();
    expect(await alice.waitExit(5_000)).toBe(0);
    expect(alice.output()).toMatch(/^\[disconnected\] You left the conference\.$/m);
    const exit = await doctor.waitFor(/^\[exit\] alice \(127\.0\.0\.1:\d+\): left the conference \(opcode 90\)$/, 5_000, from);
    await doctor.waitFor(/^\[rekey\] epoch \d+ \(departure of alice\); 1 patient\(s\)$/, 5_000, exit.index);

    // The conference goes on without her.
    doctor.send('only bob should read this');
    await bob.waitFor(/^\[message #1\] only bob should read this$/);
    await doctor.waitFor(/^\[delivered\] broadcast #1 to 1\/1: bob$/);
    bob.interrupt();
    expect(await bob.waitExit(5_000)).toBe(0);
    expect(await doctor.stop()).toBe(0);
  });

  it('d. Ctrl+C on the doctor tells every patient and frees the port; after the restart every patient is readmitted by itself', async () => {
    const base = dir('shutdown');
    const doctor = await startDoctor({ dataDir: join(base, 'doctor') });
    const port = doctor.port;
    const ids = ['alice', 'bob', 'carol'];
    const patients = await Promise.all(ids.map((id) => joinPatient(id, port, join(base, id))));
    await membersAre(doctor, 3);

    const started = Date.now();
    expect(await doctor.stop(5_000)).toBe(0);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(doctor.output()).toMatch(/^Shutting down: telling every patient \(opcode 60\)\.$/m);
    expect(doctor.output()).toMatch(/^\[shutdown\] stopped listening on 127\.0\.0\.1:\d+; patients told \(opcode 60\)$/m);
    // Each patient was told, and waits to dial again (1 s, 2 s, ... with jitter) instead of exiting.
    for (const p of patients) await p.waitFor(/^\[reconnecting\] The doctor ended the conference\. Attempt 1 in \d+\.\d s; Ctrl\+C stops\.$/);

    // A new doctor listens on the same port at once (no "address already in use"), and every
    // patient comes back through the full handshake with its pins, on its own.
    const from = patients.map((p) => p.lines.length);
    const next = await startDoctor({ dataDir: join(base, 'doctor'), port, ms: 5_000 });
    const restartedAt = Date.now();
    expect(next.port).toBe(port);
    expect(next.output()).not.toMatch(/EADDRINUSE/);
    const times = await Promise.all(
      patients.map(async (p, i) => {
        const back = await p.waitFor(/^\[reconnected\] readmitted after (\d+) attempt\(s\)$/, 45_000, from[i]);
        expect(p.lines.slice(from[i]).some((l) => ADMITTED.test(l))).toBe(true);
        return { attempts: Number(back.match[1]), ms: Date.now() - restartedAt };
      }),
    );
    console.log(`after the doctor restart: ${times.map((t, i) => `${ids[i]} readmitted ${t.ms} ms after the new doctor listened (${t.attempts} attempt(s))`).join('; ')}`);
    await membersAre(next, 3);
    for (const t of times) expect(t.ms).toBeLessThan(35_000);
    // Readmitted as the pinned patients they are: no new pins, no approvals.
    expect(next.matching(/^\[admitted\] \w+ .*pinned key/)).toHaveLength(3);
    next.send('welcome back');
    await Promise.all(patients.map((p) => p.waitFor(/^\[message #1\] welcome back$/)));

    // Ctrl+C on a reconnecting patient stops it.
    expect(await next.stop()).toBe(0);
    for (const p of patients) {
      await p.waitFor(/^\[reconnecting\] The doctor ended the conference\./, 10_000, from[patients.indexOf(p)]);
      p.interrupt();
      expect(await p.waitExit(5_000)).toBe(0);
      expect(p.output()).toMatch(/^\[disconnected\] You stopped reconnecting\. The doctor ended the conference\.$/m);
    }
  }, 90_000);

  it('f. no private key, nor any long hex string, appears on any console', async () => {
    const base = dir('secrets');
    const doctorDir = join(base, 'doctor');
    const doctor = await startDoctor({ dataDir: doctorDir });
    const patients = await Promise.all(['alice', 'bob'].map((id) => joinPatient(id, doctor.port, join(base, id))));
    doctor.send('a message with secrets around it');
    await Promise.all(patients.map((p) => p.waitFor(/^\[message #1\]/)));
    await doctor.waitFor(/^\[delivered\] broadcast #1 to 2\/2/);
    doctor.send('/perf');
    doctor.send('/list');
    await doctor.waitFor(/^Blocked \(0\):$/);
    for (const p of patients) p.interrupt();
    for (const p of patients) await p.waitExit(5_000);
    expect(await doctor.stop()).toBe(0);
    const records = await Promise.all([
      runCli(['audit', '--data-dir', doctorDir]),
      runCli(['fingerprint', '--data-dir', doctorDir]),
      runCli(['perf', '--role', 'patient', '--data-dir', join(base, 'alice')]),
    ]);

    const privateKeys: string[] = [];
    for (const d of [doctorDir, join(base, 'alice'), join(base, 'bob')]) {
      const vault = JSON.parse(readFileSync(join(d, 'keys.json'), 'utf8')) as { version: number; keys: Record<string, string> };
      expect(vault.version).toBe(1);
      const { [AUDIT_SEAL_VAULT_ID]: sealKey, ...identityKeys } = vault.keys;
      expect(sealKey, `${d} has its audit seal key`).toMatch(/^[0-9a-f]{40,64}$/);
      for (const key of Object.values(identityKeys)) expect(key).toMatch(/^[0-9a-f]{200,}$/);
      privateKeys.push(sealKey!, ...Object.values(identityKeys));
    }
    expect(privateKeys.length).toBeGreaterThanOrEqual(6);

    const consoles = [doctor, ...patients].map((p) => ({ name: p.name, text: p.output() }));
    consoles.push(...records.map((r, i) => ({ name: `record command ${i}`, text: r.output })));
    for (const { name, text } of consoles) {
      expect(text.length, name).toBeGreaterThan(0);
      for (const key of privateKeys) expect(text.toLowerCase().includes(key), `${name} printed a private key`).toBe(false);
      expect(text.match(/[0-9a-f]{64,}/i), `${name} printed a long hex string`).toBeNull();
    }
  });

  it('g. bad arguments and a busy port give a clear one-line message, no stack trace', async () => {
    const base = dir('usage');
    const cases: [string[], RegExp][] = [
      [['patient', '--id', 'alice', '--port', '99999', '--data-dir', join(base, 'a')], /^medchat: --port must be a number from 1 to 65535, not "99999"\.$/m],
      [['patient', '--port', '5050', '--data-dir', join(base, 'b')], /^medchat: --id is required/m],
      [['patient', '--id', 'alice', '--group', 'nonsense', '--data-dir', join(base, 'c')], /^medchat: --group must be one of ffdhe2048, /m],
      [['doctor', '--port', '70000', '--data-dir', join(base, 'd')], /^medchat: --port must be a number from 0 to 65535/m],
      [['patient', '--id', 'alice', '--group', 'saved', '--data-dir', join(base, 'e')], /^medchat: --group saved: this patient has no saved group yet; --group generate-2048 makes one\.$/m],
      [['patient', '--id', 'alice', '--group', 'saved:xyz', '--data-dir', join(base, 'f')], /^medchat: --group must be one of .*saved or saved:ID, not "saved:xyz"\.$/m],
    ];
    const runs = await Promise.all(cases.map(([args]) => runCli(args, 10_000)));
    runs.forEach((run, i) => {
      expect(run.code, run.output).toBe(64);
      expect(run.output).toMatch(cases[i]![1]);
      expect(run.output).not.toMatch(STACK_FRAME);
    });

    const doctor = await startDoctor({ dataDir: join(base, 'doctor') });
    const busy = await runCli(['doctor', '--port', String(doctor.port), '--data-dir', join(base, 'second')], 10_000);
    expect(busy.code).toBe(1);
    expect(busy.lines.filter((l) => l.trim() !== '')).toEqual([
      `medchat: Could not listen on 127.0.0.1:${doctor.port}: another program (or another MedChatSecure) already uses this port; choose another port, or close that program (EADDRINUSE).`,
    ]);
    expect(await doctor.stop()).toBe(0);
  });

  it('h. over IPv6 every address is printed in brackets: [::1]:port, never ::1:port', async () => {
    const base = dir('ipv6');
    const doctor = await startDoctor({ dataDir: join(base, 'doctor'), args: ['--host', '::1'] });
    expect(doctor.lines.find((l) => LISTENING.test(l))).toMatch(new RegExp(`^MedChatSecure doctor listening on \\[::1\\]:${doctor.port} `));
    const alice = startPatient({ id: 'alice', port: doctor.port, dataDir: join(base, 'alice'), args: ['--host', '::1'] });
    await alice.waitFor(ADMITTED);
    const admitted = await doctor.waitFor(/^\[admitted\] alice \(([^)]+)\)/);
    expect(admitted.match[1]).toMatch(/^\[::1\]:\d+$/);
    const busy = await runCli(['doctor', '--host', '::1', '--port', String(doctor.port), '--data-dir', join(base, 'second')], 10_000);
    expect(busy.lines.filter((l) => l.trim() !== '')).toEqual([
      `medchat: Could not listen on [::1]:${doctor.port}: another program (or another MedChatSecure) already uses this port; choose another port, or close that program (EADDRINUSE).`,
    ]);
    alice.interrupt();
    await alice.waitExit(5_000);
    expect(await doctor.stop()).toBe(0);

    // The audit log, as `medchat audit` prints it, names the addresses the same way.
    const audit = await runCli(['audit', '--data-dir', join(base, 'doctor'), '--role', 'doctor']);
    expect(audit.output).toMatch(new RegExp(`listening on \\[::1\\]:${doctor.port}`));
    expect(audit.output).not.toMatch(/(^|[^[:\da-f])::1:\d/m);
    const unreachable = await runCli(['patient', '--id', 'bob', '--host', '::1', '--port', String(doctor.port), '--data-dir', join(base, 'bob'), '--no-reconnect'], 15_000);
    expect(unreachable.output).toMatch(new RegExp(`Could not reach \\[::1\\]:${doctor.port}: nothing is listening there; check that the doctor has started the conference, and the port \\(ECONNREFUSED\\)\\.`));
  });

  it('i. SIGKILL of the doctor loses nothing: the chain verifies, blocks and pins hold, the folder reopens, the killed session is closed', async () => {
    const base = dir('sigkill');
    const doctorDir = join(base, 'doctor');
    const doctor = await startDoctor({ dataDir: doctorDir });
    const port = doctor.port;
    const [alice, bob] = await Promise.all([joinPatient('alice', port, join(base, 'alice')), joinPatient('bob', port, join(base, 'bob'))]);
    await membersAre(doctor, 2);
    doctor.send('before the crash');
    await doctor.waitFor(/^\[delivered\] broadcast #1 to 2\/2/);
    doctor.send('/block bob 5');
    await bob.waitFor(/^\[blocked\]/);

    // A second doctor on the same folder is refused in one line, and the first goes on.
    const second = await runCli(['doctor', '--port', '0', '--data-dir', doctorDir], 15_000);
    expect(second.code).toBe(1);
    expect(second.lines.filter((l) => l.trim() !== '')).toEqual([
      expect.stringMatching(/^medchat: The data folder .*doctor is in use by another MedChatSecure \(process \d+ on .*\)\. Close that one first; if it is not running, delete .*medchat\.lock\.$/),
    ]);
    doctor.send('after the refused second doctor');
    await alice.waitFor(/^\[message #2\] after the refused second doctor$/);

    doctor.kill(); // SIGKILL: no shutdown, no opcode 60, no lock removed
    expect(await doctor.waitExit(5_000)).toBeNull();
    const verify = await runCli(['audit', '--verify', '--data-dir', doctorDir]);
    expect(verify.code, verify.output).toBe(0);
    const store = openStoreFile(join(doctorDir, 'medchat.db'), { readonly: true });
    try {
      expect(store.blocks.list().map((b) => b.id)).toEqual(['bob']);
      expect(store.pins.list().map((p) => p.peerId).sort()).toEqual(['alice', 'bob']);
      const kinds = store.audit.query({ limit: 500 }).map((e) => e.kind);
      expect(kinds).toEqual(expect.arrayContaining(['admitted', 'broadcast', 'blocked']));
      // Every row the doctor printed (it prints a row once committed) is in the file.
      const checked = ['join', 'admitted', 'rekey', 'group-key', 'broadcast', 'blocked', 'removed'];
      let lost = 0;
      for (const kind of checked) {
        const printed = doctor.lines.filter((l) => l.startsWith(`[${kind}]`)).length;
        lost += Math.max(0, printed - kinds.filter((k) => k === kind).length);
      }
      expect(lost).toBe(0);
      recordFault({ cls: 'SIGKILL of the doctor mid-conference (processes)', cases: 1, crashes: 0, effect: 'alice readmitted by herself; bob still blocked', rowsLost: lost });
      expect(store.perf.history('doctor')[0]).toMatchObject({ endedAt: null, interrupted: false });
    } finally {
      store.close();
    }

    // The stale lock is taken over; the killed run's performance session is closed as interrupted.
    const restarted = await startDoctor({ dataDir: doctorDir, port });
    const recovered = await runCli(['audit', '--data-dir', doctorDir, '--kind', 'recovered']);
    expect(recovered.output).toMatch(/process \d+ ended without closing the data folder; 1 performance session\(s\) closed as interrupted/);
    const perf = await runCli(['perf', '--role', 'doctor', '--data-dir', doctorDir]);
    expect(perf.output).toMatch(/^Session doctor-\S+ \(doctor\) \S+ – \S+ \(interrupted: its process was killed; figures as last saved\)$/m);
    expect(perf.output).toMatch(/^Session doctor-\S+ \(doctor\) \S+ – running$/m);
    // alice comes back by herself; bob's block survived the crash.
    await alice.waitFor(/^\[reconnected\] readmitted after \d+ attempt\(s\)$/, 45_000);
    const bobAgain = await runCli(['patient', '--id', 'bob', '--port', String(port), '--data-dir', join(base, 'bob')], 15_000);
    expect(bobAgain.code).toBe(2);
    alice.interrupt();
    expect(await alice.waitExit(5_000)).toBe(0);
    expect(await restarted.stop()).toBe(0);
    expect((await runCli(['audit', '--verify', '--data-dir', doctorDir])).code).toBe(0);
  }, 90_000);

  it('j. a mistyped command never reaches the patients; /send sends a line that looks like one; blocking a stranger warns', async () => {
    const base = dir('prompt');
    const doctor = await startDoctor({ dataDir: join(base, 'doctor') });
    const alice = await joinPatient('alice', doctor.port, join(base, 'alice'));
    const from = doctor.lines.length;
    doctor.send('lst');
    await doctor.waitFor(/^Not sent: this looks like the command \/list\. Commands start with \/; to send the line to every patient, type \/send lst$/, 5_000, from);
    doctor.send('/lst');
    await doctor.waitFor(/^Unknown command \/lst \(did you mean \/list\?\); nothing was sent\. Type \/help for the commands\.$/, 5_000, from);
    doctor.send('/send lst');
    await alice.waitFor(/^\[message #1\] lst$/);
    doctor.send('/block nobody-here 5');
    const blocked = await doctor.waitFor(/^Blocked nobody-here until (\d{4}-\d\d-\d\d \d\d:\d\d:\d\d) \(no patient with this id has joined or is connected: check the spelling; \/unblock nobody-here undoes it\)$/, 5_000, from);
    // Local time, as the clock on this machine shows it, five minutes ahead.
    const shown = new Date(blocked.match[1]!.replace(' ', 'T')).getTime();
    expect(Math.abs(shown - (Date.now() + 5 * 60_000))).toBeLessThan(10_000);
    // An id that is not one is refused by the block list's own rule, in one sentence.
    doctor.send('/block bad!id');
    await doctor.waitFor(/^Error: blocks\.block: id must be 1 to 64 letters, digits or _ \. @ -\.$/, 5_000, from);
    // A note is the doctor's own: a control character in it is refused, and the patient never sees it.
    doctor.send('/block alice 1 rude\u001b[2J');
    await doctor.waitFor(/^Error: The note must be one line, without control characters\.$/, 5_000, from);
    doctor.send('/block alice 1 rude to the nurse');
    await doctor.waitFor(/^Blocked alice until \d{4}-\d\d-\d\d \d\d:\d\d:\d\d \(note: rude to the nurse\)$/, 5_000, from);
    const told = await alice.waitFor(/^\[blocked\]/);
    expect(told.line).not.toContain('nurse');
    doctor.send('/list');
    await doctor.waitFor(/^ {2}alice until \S+ \S+ \(blocked by the doctor: rude to the nurse\)$/, 5_000, from);
    expect(alice.matching(/^\[message #/)).toEqual(['[message #1] lst']);
    expect(await doctor.stop()).toBe(0);
    // The table comes once, at exit.
    expect(doctor.lines.slice(from).filter((l) => PERF_HEADER.test(l))).toHaveLength(1);
    // medchat fingerprint labels its line, and on a folder never used says so instead of failing.
    const fp = await runCli(['fingerprint', '--data-dir', join(base, 'doctor')]);
    // One per standard group: they are made at the doctor's first start.
    expect(fp.output.trim().split('\n').map((l) => l.replace(/\d{5}( \d{5}){5}$/, 'N'))).toEqual(['Doctor key (ffdhe2048): N', 'Doctor key (ffdhe3072): N', 'Doctor key (ffdhe4096): N']);
    const fresh = await runCli(['fingerprint', '--role', 'patient', '--id', 'zoe', '--data-dir', join(base, 'never-used')]);
    expect(fresh.code).toBe(0);
    expect(fresh.output.trim()).toBe("No identity keys yet: this patient's key is made at the first conference (medchat patient).");
  }, 60_000);
});

/**
 * A data folder that cannot be used as it should, with the compiled CLI in processes of its own:
 * a read-only file system (a read-only bind mount), a full disk (a 2 MiB tmpfs), a damaged
 * medchat.db. Each gets one clear sentence, no stack trace, and loses nothing: the folder reads
 * back the same afterwards and the audit chain verifies. Real mounts need root, as on the CI
 * machine; elsewhere these tests fail saying so.
 * Needs the build: `npx tsc -p tsconfig.node.json`.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync, writeSync, closeSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { joinPatient, runCli, startDoctor, useTestDirs } from './support/processes.js';
import { recordFault } from './support/fault-table.js';

const STACK_FRAME = /^\s+at .+[(:]\d+/m;
const dir = useTestDirs();
let mounts: string[] = [];

function mount(args: string[]): void {
  try {
    execFileSync('mount', args, { stdio: 'pipe' });
  } catch (error) {
    throw new Error(`these tests need real mounts (root, as on the CI machine): mount ${args.join(' ')} failed: ${String((error as Error).message)}`);
  }
}

function readOnly(folder: string): void {
  mount(['--bind', folder, folder]);
  mounts.push(folder);
  mount(['-o', 'remount,ro,bind', folder]);
}

function tmpfs(folder: string, size: string): void {
  mkdirSync(folder, { recursive: true });
  mount(['-t', 'tmpfs', '-o', `size=${size},mode=0700`, 'tmpfs', folder]);
  mounts.push(folder);
}

afterEach(() => {
  for (const m of mounts.reverse()) execFileSync('umount', ['-l', m]);
  mounts = [];
});

const sha = (file: string): string => createHash('sha256').update(readFileSync(file)).digest('hex');

/** A doctor folder with history: alice joined, a broadcast went out; then the doctor stopped. */
async function folderWithHistory(base: string): Promise<{ doctorDir: string; rows: number }> {
  const doctorDir = join(base, 'doctor');
  const doctor = await startDoctor({ dataDir: doctorDir });
  const alice = await joinPatient('alice', doctor.port, join(base, 'alice'));
  doctor.send('kept message');
  await alice.waitFor(/^\[message #1\] kept message$/);
  alice.interrupt();
  await alice.waitExit(5_000);
  expect(await doctor.stop()).toBe(0);
  const verify = await runCli(['audit', '--verify', '--data-dir', doctorDir]);
  return { doctorDir, rows: Number(/verified: (\d+) rows/.exec(verify.output)![1]) };
}

describe('a data folder that cannot be used as it should', () => {
  it('read-only: the doctor refuses to start in one sentence, the records stay readable by copy, nothing lost', async () => {
    const base = dir('readonly');
    const { doctorDir, rows } = await folderWithHistory(base);
    const before = sha(join(doctorDir, 'medchat.db'));
    readOnly(base);

    const refused = await runCli(['doctor', '--port', '0', '--data-dir', doctorDir]);
    expect(refused.code).toBe(1);
    expect(refused.output.trim()).toBe(
      `medchat: The data folder ${doctorDir}: it cannot be written (a read-only disk or folder, or missing permissions), so nothing was changed and what was asked was not done; make it writable, or use another data folder (EROFS).`,
    );
    const patient = await runCli(['patient', '--id', 'newbie', '--port', '1', '--data-dir', join(base, 'newbie')]);
    expect(patient.output).toMatch(/^medchat: The data folder .*newbie: it cannot be written .*\(EROFS\)\.$/m);
    const audit = await runCli(['audit', '--verify', '--data-dir', doctorDir]);
    // Reading works if the database's -shm file is already there (SQLite made it at an earlier read);
    // if not, SQLite cannot make it on a read-only disk, and the sentence says what to do.
    expect(audit.output).toMatch(
      new RegExp(`^(Audit chain verified: ${rows} rows intact;.*|medchat: openDatabase: cannot read .*medchat\\.db: its folder cannot be written, .*copy the folder somewhere writable and pass --db COPY/medchat\\.db\\.)$`, 'm'),
    );
    for (const run of [refused, patient, audit]) expect(run.output).not.toMatch(STACK_FRAME);

    // As the message says: a copy reads, and verifies.
    const copy = join(dir('readonly-copy'), 'doctor');
    cpSync(doctorDir, copy, { recursive: true });
    expect((await runCli(['audit', '--verify', '--db', join(copy, 'medchat.db')])).output).toMatch(new RegExp(`^Audit chain verified: ${rows} rows intact;`, 'm'));
    execFileSync('umount', ['-l', mounts.pop()!]);
    expect(sha(join(doctorDir, 'medchat.db'))).toBe(before);
    expect(existsSync(join(doctorDir, 'medchat.lock'))).toBe(false);
    recordFault({ cls: 'read-only data folder (doctor, patient, audit)', cases: 3, crashes: 0, effect: 'n/a (refused at start, one sentence each)', rowsLost: 0 });
  }, 90_000);

  it('damaged medchat.db: refused in one sentence naming what to do, the file left exactly as it was', async () => {
    const base = dir('corrupt');
    const { doctorDir } = await folderWithHistory(base);
    const db = join(doctorDir, 'medchat.db');
    const fd = openSync(db, 'r+');
    writeSync(fd, Buffer.alloc(3 * 4096, 0x5a), 0, 3 * 4096, 3 * 4096); // pages 4-6 overwritten
    closeSync(fd);
    const damaged = sha(db);
    const refused = await runCli(['doctor', '--port', '0', '--data-dir', doctorDir]);
    expect(refused.code).toBe(1);
    expect(refused.output).toMatch(
      /^medchat: The data folder .*: its database medchat\.db is damaged; nothing was changed\. Restore the folder from a backup, or move medchat\.db away .* \(SQLITE_CORRUPT\)\.$/m,
    );
    expect(refused.output).not.toMatch(STACK_FRAME);
    expect(sha(db)).toBe(damaged);
    expect(existsSync(join(doctorDir, 'medchat.lock'))).toBe(false);
    // Not SQLite at all: the same kind of sentence, the file untouched.
    writeFileSync(db, 'not a database at all, just text that someone saved over it');
    const text = await runCli(['doctor', '--port', '0', '--data-dir', doctorDir]);
    expect(text.output).toMatch(/^medchat: .*medchat\.db is not a SQLite database\.$/m);
    expect(readFileSync(db, 'utf8')).toBe('not a database at all, just text that someone saved over it');
    recordFault({ cls: 'damaged medchat.db, and a text file in its place', cases: 2, crashes: 0, effect: 'n/a (refused at start; the file left byte for byte)', rowsLost: 0 });
  }, 90_000);

  it('full disk during a conference: a broadcast is refused, not sent unrecorded; the patient stays; after space is freed all goes on', async () => {
    const base = dir('full');
    const disk = join(base, 'disk');
    tmpfs(disk, '2m');
    const doctorDir = join(disk, 'doctor');
    const doctor = await startDoctor({ dataDir: doctorDir });
    const alice = await joinPatient('alice', doctor.port, join(base, 'alice'));
    doctor.send('before the disk filled');
    await alice.waitFor(/^\[message #1\] before the disk filled$/);
    await doctor.waitFor(/^\[delivered\] broadcast #1 to 1\/1: alice$/);

    const filler = join(disk, 'filler');
    try {
      execFileSync('dd', ['if=/dev/zero', `of=${filler}`, 'bs=4k'], { stdio: 'pipe' });
    } catch {
      // dd stops at "No space left on device": that is the point
    }
    const from = doctor.lines.length;
    for (let i = 0; i < 5; i++) doctor.send(`while the disk is full ${i} ${'x'.repeat(3000)}`);
    const full = /^Error: The data folder .*doctor: the disk holding it is full, so nothing was changed and what was asked was not done; free some space and try again \(SQLITE_FULL\)\.$/;
    let at = from;
    for (let i = 0; i < 5; i++) at = (await doctor.waitFor(full, 15_000, at)).index + 1;
    // Stay full a while: the timers (performance saves, heartbeats, liveness) run into the full disk too.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    doctor.send('/status');
    await doctor.waitFor(/^Connections: 1 open \(1 admitted, 0 unfinished\)/, 10_000, from);
    expect(doctor.done, 'the doctor is still running').toBe(false);

    rmSync(filler);
    doctor.send('after space was freed');
    const sent = await doctor.waitFor(/^Broadcast #(\d+) \(epoch \d+\) sent to 1 patient\(s\)$/, 15_000, from);
    await alice.waitFor(new RegExp(`^\\[message #${sent.match[1]}\\] after space was freed$`));
    expect(alice.lines.some((l) => l.includes('while the disk is full'))).toBe(false);
    alice.interrupt();
    await alice.waitExit(5_000);
    expect(await doctor.stop()).toBe(0);
    const verify = await runCli(['audit', '--verify', '--data-dir', doctorDir]);
    expect(verify.code, verify.output).toBe(0);
    // Every broadcast that went out has its row: rows lost 0.
    const rows = (await runCli(['audit', '--kind', 'broadcast', '--data-dir', doctorDir])).lines.filter((l) => / broadcast /.test(l)).length;
    const broadcasts = doctor.lines.filter((l) => /^Broadcast #\d+ /.test(l)).length;
    expect(rows).toBe(broadcasts);
    // What could not be written while the disk was full (the rekeys before each refused broadcast) is counted in one row.
    const gap = await runCli(['audit', '--kind', 'audit-gap', '--data-dir', doctorDir]);
    expect(gap.output).toMatch(/audit-gap .* \d+ row\(s\) could not be written since \S+: the data folder was full or could not be written$/m);
    recordFault({
      cls: 'full disk under a running doctor (5 broadcasts refused)',
      cases: 5,
      crashes: 0,
      effect: 'none: alice stayed admitted and got the next broadcast; event rows unwritable while full counted in an audit-gap row',
      rowsLost: broadcasts - rows,
    });
  }, 90_000);
});

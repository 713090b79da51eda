/**
 * The audit records across processes: the compiled CLI's doctor writes the log, and
 * `medchat audit` (another process) verifies it, names the edited or deleted row, detects a
 * rewrite of the whole chain by someone without the folder's seal key, and a rollback to an older
 * copy through an exported checkpoint. Needs the build: `npx tsc -p tsconfig.node.json`.
 */
import { describe, expect, it } from 'vitest';
import { chmodSync, copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { auditHash } from '../../src/main/store/index.js';
import { joinPatient, PERF_HEADER, runCli, startDoctor, useTestDirs } from './support/processes.js';

const STACK_FRAME = /^\s+at .+[(:]\d+/m;
const GENESIS = '0'.repeat(64);
const dir = useTestDirs();

/** One conference: a doctor on `doctorDir`, alice joins, `text` is broadcast, both leave. */
async function conference(doctorDir: string, aliceDir: string, text: string): Promise<void> {
  const doctor = await startDoctor({ dataDir: doctorDir });
  const alice = await joinPatient('alice', doctor.port, aliceDir);
  doctor.send(text);
  await alice.waitFor(new RegExp(`^\\[message #1\\] ${text}$`));
  alice.interrupt();
  await doctor.waitFor(/^\[rekey\] epoch \d+ \(departure of alice\)/);
  expect(await doctor.stop()).toBe(0);
}

/**
 * What a person with write access to medchat.db but not the key can do: drop the triggers and
 * rewrite every row and the checkpoint consistently, so the hash chain alone verifies.
 */
function rewriteWholeChain(file: string): void {
  const conn = new Database(file);
  try {
    conn.exec('DROP TRIGGER audit_no_update; DROP TRIGGER audit_head_moves_forward;');
    type Row = { seq: number; at: number; kind: string; patient_id: string | null; address: string | null; detail: string };
    const rows = conn.prepare('SELECT seq, at, kind, patient_id, address, detail FROM audit ORDER BY seq').all() as Row[];
    let prev = GENESIS;
    const update = conn.prepare('UPDATE audit SET detail = ?, prev_hash = ?, hash = ? WHERE seq = ?');
    for (const r of rows) {
      const detail = r.kind === 'broadcast' ? 'nothing was sent' : r.detail;
      const hash = auditHash({ seq: r.seq, at: r.at, kind: r.kind, patientId: r.patient_id, address: r.address, detail }, prev);
      update.run(detail, prev, hash, r.seq);
      prev = hash;
    }
    conn.prepare('UPDATE audit_head SET hash = ? WHERE id = 1').run(prev);
  } finally {
    conn.close();
  }
}

/** The folder's database and key vault, copied (as a backup or an attacker would) to `target`. */
function copyFolder(from: string, target: string): string {
  mkdirSync(target, { recursive: true, mode: 0o700 });
  for (const name of ['medchat.db', 'medchat.db-wal', 'medchat.db-shm', 'keys.json']) {
    if (existsSync(join(from, name))) copyFileSync(join(from, name), join(target, name));
  }
  chmodSync(join(target, 'keys.json'), 0o600);
  return join(target, 'medchat.db');
}

describe('medchat audit across processes', () => {
  it('a. medchat audit --verify passes on an intact copy and names the row that was edited or deleted', async () => {
    const base = dir('audit');
    const doctorDir = join(base, 'doctor');
    const doctor = await startDoctor({ dataDir: doctorDir });
    const alice = await joinPatient('alice', doctor.port, join(base, 'alice'));
    doctor.send('audited message');
    await alice.waitFor(/^\[message #1\] audited message$/);
    await doctor.waitFor(/^\[delivered\] broadcast #1 to 1\/1: alice$/);
    alice.interrupt();
    await doctor.waitFor(/^\[rekey\] epoch \d+ \(departure of alice\)/);
    expect(await doctor.stop()).toBe(0);

    const db = join(doctorDir, 'medchat.db');
    const copy = (name: string): string => {
      const target = join(base, name);
      copyFileSync(db, target);
      for (const suffix of ['-wal', '-shm']) if (existsSync(db + suffix)) copyFileSync(db + suffix, target + suffix);
      return target;
    };
    const tamper = (file: string, sql: (rows: number) => string): number => {
      const conn = new Database(file);
      try {
        conn.exec('DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete;');
        const rows = Number(conn.prepare('SELECT count(*) FROM audit').pluck().get());
        conn.exec(sql(rows));
        return rows;
      } finally {
        conn.close();
      }
    };

    const intact = await runCli(['audit', '--verify', '--db', copy('intact.db')]);
    expect(intact.output).toMatch(/^Audit chain verified: (\d+) rows intact; seal not checked: no key vault beside this database\.$/m);
    expect(intact.code).toBe(0);
    const total = Number(intact.output.match(/verified: (\d+) rows/)![1]);
    expect(total).toBeGreaterThanOrEqual(8);

    const edited = copy('edited.db');
    tamper(edited, () => "UPDATE audit SET detail = 'nothing happened here' WHERE seq = 3");
    const editedRun = await runCli(['audit', '--verify', '--db', edited]);
    expect(editedRun.code).toBe(4);
    expect(editedRun.output).toMatch(/^AUDIT CHAIN BROKEN: edited row 3: hash mismatch$/m);

    const middle = copy('middle.db');
    const gap = Math.floor(total / 2);
    tamper(middle, () => `DELETE FROM audit WHERE seq = ${gap}`);
    const middleRun = await runCli(['audit', '--verify', '--db', middle]);
    expect(middleRun.code).toBe(4);
    expect(middleRun.output).toContain(`AUDIT CHAIN BROKEN: row ${gap} missing`);

    const last = copy('last.db');
    tamper(last, (rows) => `DELETE FROM audit WHERE seq = ${rows}`);
    const lastRun = await runCli(['audit', '--verify', '--db', last]);
    expect(lastRun.code).toBe(4);
    expect(lastRun.output).toContain(`AUDIT CHAIN BROKEN: chain head does not match checkpoint: rows deleted at the end (the checkpoint says row ${total}, the log ends at row ${total - 1})`);
    for (const run of [intact, editedRun, middleRun, lastRun]) expect(run.output).not.toMatch(STACK_FRAME);

    // The same data dir, read by the other record commands.
    const csv = await runCli(['audit', '--csv', '--data-dir', doctorDir]);
    expect(csv.code).toBe(0);
    expect(csv.lines[0]).toBe('seq,at_iso,kind,patient_id,address,detail');
    expect(csv.output).toMatch(/^\d+,[^,]+,broadcast,,,"seq 1, epoch \d+, 15 bytes to 1 patient\(s\)"$/m);
    const perf = await runCli(['perf', '--role', 'doctor', '--data-dir', doctorDir]);
    expect(perf.code).toBe(0);
    expect(perf.output).toMatch(/^Session \S+ \(doctor\) \d{4}-\S+ – \d{4}-\S+$/m);
    expect(perf.lines.some((l) => PERF_HEADER.test(l))).toBe(true);
    expect(perf.output).toMatch(/^\| Group Key Distribution\s+\| \d+\.\d+\s+\| \d+\s+\|$/m);
  });


  it('b. the sealed checkpoint shows a rewrite of the whole chain, and an exported checkpoint shows a rollback', async () => {
    const base = dir('seal');
    const doctorDir = join(base, 'doctor');
    await conference(doctorDir, join(base, 'alice'), 'first visit');
    const before = copyFolder(doctorDir, join(base, 'backup-after-first'));
    await conference(doctorDir, join(base, 'alice'), 'second visit');

    const checkpointRun = await runCli(['audit', '--checkpoint', '--data-dir', doctorDir]);
    expect(checkpointRun.code, checkpointRun.output).toBe(0);
    const checkpoint = JSON.parse(checkpointRun.lines[0]!) as { format: string; seq: number; hash: string; seal: string | null };
    expect(checkpoint).toMatchObject({ format: 'medchat-audit-checkpoint/1', hash: expect.stringMatching(/^[0-9a-f]{64}$/), seal: expect.stringMatching(/^[0-9a-f]{64}$/) });
    const checkpointFile = join(base, 'kept-elsewhere.json');
    writeFileSync(checkpointFile, checkpointRun.lines[0]! + '\n');

    const sealed = await runCli(['audit', '--verify', '--data-dir', doctorDir, '--against', checkpointFile]);
    expect(sealed.code, sealed.output).toBe(0);
    expect(sealed.output).toMatch(
      new RegExp(`^Audit chain verified: ${checkpoint.seq} rows intact; checkpoint seal verified with this folder's key; still holds the exported checkpoint \\(row ${checkpoint.seq}\\)\\.$`, 'm'),
    );

    // The whole chain rewritten by someone without the key: every hash recomputed, the checkpoint moved.
    const rewritten = copyFolder(doctorDir, join(base, 'rewritten'));
    rewriteWholeChain(rewritten);
    const caught = await runCli(['audit', '--verify', '--db', rewritten]);
    expect(caught.code).toBe(4);
    expect(caught.output).toMatch(/^AUDIT CHAIN BROKEN: checkpoint seal does not verify with this folder's key: the log was rewritten or replaced by someone without the key$/m);
    // The same file without its vault: the chain alone passes (what the seal adds), the exported checkpoint does not.
    const alone = join(base, 'alone');
    mkdirSync(alone);
    copyFileSync(rewritten, join(alone, 'medchat.db'));
    const unkeyed = await runCli(['audit', '--verify', '--db', join(alone, 'medchat.db')]);
    expect(unkeyed.output).toMatch(/^Audit chain verified: \d+ rows intact; seal not checked: no key vault beside this database\.$/m);
    const againstRun = await runCli(['audit', '--verify', '--db', join(alone, 'medchat.db'), '--against', checkpointFile]);
    expect(againstRun.code).toBe(4);
    expect(againstRun.output).toContain(`AUDIT CHAIN BROKEN: row ${checkpoint.seq} differs from the exported checkpoint: the log was rewritten since it was exported`);

    // The folder swapped for the backup from before the second visit: honestly sealed then, so only the export shows it.
    expect((await runCli(['audit', '--verify', '--db', before])).code).toBe(0);
    const rolledBack = await runCli(['audit', '--verify', '--db', before, '--against', checkpointFile]);
    expect(rolledBack.code).toBe(4);
    expect(rolledBack.output).toMatch(new RegExp(`^AUDIT CHAIN BROKEN: rolled back: the exported checkpoint names row ${checkpoint.seq}, but the log ends at row \\d+$`, 'm'));

    // A checkpoint file that is not one: a clear sentence, no stack trace.
    const junk = join(base, 'junk.json');
    writeFileSync(junk, '{"format":"medchat-audit-checkpoint/1","seq":-1}');
    const junkRun = await runCli(['audit', '--verify', '--data-dir', doctorDir, '--against', junk]);
    expect(junkRun.code).not.toBe(0);
    expect(junkRun.output).toMatch(/audit checkpoint: the fields must be exactly format, seq, hash, seal and exportedAt/);
    for (const run of [caught, againstRun, rolledBack, junkRun]) expect(run.output).not.toMatch(STACK_FRAME);
  }, 90_000);
});

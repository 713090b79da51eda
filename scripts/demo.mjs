#!/usr/bin/env node
/**
 * `npm run demo`: a whole conference with the doctor and three patients (alice, bob, carol), each
 * in a process of its own (the compiled `medchat` CLI) over loopback TCP, in a temporary data
 * directory on a port the OS chooses. Every line a process prints is shown with its name in
 * front ([doctor], [alice] ...); lines starting with === say what the demo does next.
 *
 *   1. the doctor starts; alice, bob and carol join (each shows its handshake steps);
 *   2. the doctor broadcasts; all three show it, the doctor shows the delivery receipts;
 *   3. carol leaves with Ctrl+C (SIGINT, opcode 90); the doctor rekeys;
 *   4. the doctor broadcasts again: alice and bob read it, carol does not;
 *   5. the doctor blocks bob (opcode 80);
 *   6. the doctor quits: alice is told (opcode 60);
 *   7. the performance tables, and `medchat audit --verify` on the doctor's data.
 *
 * Exits 0 when every step happened, 1 when one did not (each wait is bounded), keeping the data
 * directory for a look in that case.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = join(root, 'bin', 'medchat.js');
const cliEntry = join(root, 'out', 'node', 'src', 'main', 'cli', 'index.js');
const STEP_MS = 20_000;
const PREFIX_WIDTH = 9;
const running = new Set();

function say(text) {
  process.stdout.write(`\n=== ${text}\n`);
}

function show(name, line) {
  process.stdout.write(`${`[${name}]`.padEnd(PREFIX_WIDTH)} ${line}\n`);
}

/** One `medchat` process: its output, shown as it comes, and bounded waits on it. */
class Proc {
  constructor(name, args) {
    this.name = name;
    this.lines = [];
    this.waiters = new Set();
    this.done = false;
    this.code = null;
    this.child = spawn(process.execPath, [bin, ...args], { cwd: root, stdio: ['pipe', 'pipe', 'pipe'] });
    running.add(this);
    this.child.stdin.on('error', () => {});
    for (const stream of [this.child.stdout, this.child.stderr]) this.collect(stream);
    this.exited = new Promise((resolve) => {
      this.child.once('close', (code, signal) => {
        this.done = true;
        this.code = code ?? (signal ? `signal ${signal}` : null);
        running.delete(this);
        this.wake();
        resolve(this.code);
      });
      this.child.once('error', (error) => {
        show(this.name, `could not start: ${error.message}`);
        this.done = true;
        running.delete(this);
        this.wake();
        resolve(null);
      });
    });
  }

  collect(stream) {
    let partial = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk) => {
      const parts = (partial + chunk).split(/\r?\n/);
      partial = parts.pop();
      for (const line of parts) {
        this.lines.push(line);
        show(this.name, line);
      }
      this.wake();
    });
    stream.on('end', () => {
      if (partial) {
        this.lines.push(partial);
        show(this.name, partial);
      }
      partial = '';
      this.wake();
    });
  }

  wake() {
    for (const waiter of [...this.waiters]) waiter();
  }

  /** The first line from index `from` on that matches; throws when it does not come in time. */
  waitFor(regex, what, from = 0, ms = STEP_MS) {
    return new Promise((resolve, reject) => {
      let next = from;
      const finish = (error, found) => {
        clearTimeout(timer);
        this.waiters.delete(check);
        if (error) reject(error);
        else resolve(found);
      };
      const check = () => {
        for (; next < this.lines.length; next++) {
          const match = this.lines[next].match(regex);
          if (match) return finish(null, { line: this.lines[next], match, index: next });
        }
        if (this.done) finish(new Error(`${this.name} exited (code ${this.code}) before ${what}`));
      };
      const timer = setTimeout(() => finish(new Error(`${this.name}: ${what} did not happen within ${ms / 1000} s`)), ms);
      this.waiters.add(check);
      check();
    });
  }

  async waitExit(what, ms = STEP_MS) {
    let timer;
    const timeout = new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${this.name}: ${what} did not happen within ${ms / 1000} s`)), ms);
    });
    try {
      return await Promise.race([this.exited, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Types a line on the doctor's console, and shows it. */
  type(line) {
    show(this.name, `> ${line}`);
    this.child.stdin.write(line + '\n');
  }

  interrupt() {
    show(this.name, '^C (SIGINT)');
    this.child.kill('SIGINT');
  }

  /** The last table printed under a title matching `title`, title included. */
  lastTable(title) {
    let start = -1;
    this.lines.forEach((line, i) => {
      if (title.test(line)) start = i;
    });
    if (start < 0) return [];
    const rows = [this.lines[start]];
    for (let i = start + 1; i < this.lines.length && this.lines[i].startsWith('|'); i++) rows.push(this.lines[i]);
    return rows;
  }
}

function expectCode(proc, actual, expected, what) {
  if (actual !== expected) throw new Error(`${proc.name} exited with ${actual}, expected ${expected} (${what})`);
}

async function main(dataRoot) {
  const dir = (name) => join(dataRoot, name);

  say('The doctor starts a conference on a free port (port 0: the OS chooses one).');
  const doctor = new Proc('doctor', ['doctor', '--host', '127.0.0.1', '--port', '0', '--data-dir', dir('doctor')]);
  const { match } = await doctor.waitFor(/^MedChatSecure doctor listening on ([^\s]+):(\d+)/, 'listening');
  const port = match[2];

  const patients = {};
  for (const id of ['alice', 'bob', 'carol']) {
    say(`${id} joins: the handshake (opcodes 5, 10, 20, the verifier, then the group key, opcode 30).`);
    const patient = new Proc(id, ['patient', '--id', id, '--host', '127.0.0.1', '--port', port, '--data-dir', dir(id)]);
    patients[id] = patient;
    const admitted = await patient.waitFor(/^\[step\] admitted/, `${id} admitted`);
    await patient.waitFor(/^\| Primitive/, `${id}'s performance table`, admitted.index);
    await doctor.waitFor(new RegExp(`^\\[rekey\\]: epoch \\d+ \\(join of ${id}\\)`), `the doctor's rekey for ${id}`);
  }
  const { alice, bob, carol } = patients;

  say('The doctor types a message: it is broadcast to the three patients (opcode 40); each acknowledges it (opcode 50).');
  let mark = doctor.lines.length;
  doctor.type('Good morning everyone: the video consultation starts at 10:00.');
  for (const p of [alice, bob, carol]) await p.waitFor(/^\[message #1\] /, `${p.name} shows broadcast #1`);
  await doctor.waitFor(/^\[delivered\] broadcast #1 to 3\/3/, 'delivery of broadcast #1 to 3/3', mark);

  say('carol leaves with Ctrl+C (SIGINT): she sends opcode 90, the doctor removes her and rekeys.');
  mark = doctor.lines.length;
  carol.interrupt();
  expectCode(carol, await carol.waitExit('carol exits'), 0, 'left the conference');
  await carol.waitFor(/^\[disconnected\] You left the conference\./, 'carol leaves');
  await doctor.waitFor(/^\[exit\] carol /, "the doctor's [exit] carol", mark);
  await doctor.waitFor(/^\[rekey\]: epoch \d+ \(departure of carol\)/, "the doctor's rekey after carol left", mark);

  say('The doctor broadcasts again, under a new group key: alice and bob read it, carol cannot.');
  mark = doctor.lines.length;
  doctor.type('Carol has left; this second message is for alice and bob only.');
  for (const p of [alice, bob]) await p.waitFor(/^\[message #2\] /, `${p.name} shows broadcast #2`);
  await doctor.waitFor(/^\[delivered\] broadcast #2 to 2\/2/, 'delivery of broadcast #2 to 2/2', mark);
  if (carol.lines.some((l) => l.startsWith('[message #2]'))) throw new Error('carol received broadcast #2');
  show('demo', 'carol (gone) did not receive broadcast #2.');

  say('The doctor blocks bob (opcode 80, 2 minutes by default, kept on disk).');
  mark = doctor.lines.length;
  doctor.type('block bob');
  await bob.waitFor(/^\[blocked\] /, 'bob shows [blocked]');
  expectCode(bob, await bob.waitExit('bob exits'), 2, 'blocked');
  await doctor.waitFor(/^\[rekey\]: epoch \d+ \(departure of bob\)/, "the doctor's rekey after blocking bob", mark);

  say('The doctor quits: alice is told that the conference has ended (opcode 60).');
  doctor.type('quit');
  expectCode(doctor, await doctor.waitExit('the doctor exits', 10_000), 0, 'quit');
  await alice.waitFor(/^\[disconnected\] The doctor ended the conference\./, 'alice is told');
  expectCode(alice, await alice.waitExit('alice exits'), 0, 'conference ended');

  say('Performance tables, as the processes printed them.');
  const doctorTable = doctor.lastTable(/^Doctor performance \(cumulative over all patients\):$/);
  if (doctorTable.length < 4) throw new Error("the doctor's cumulative performance table is missing");
  for (const line of doctorTable) show('doctor', line);
  for (const p of [alice, bob, carol]) {
    const table = p.lastTable(new RegExp(`^Patient ${p.name} performance:$`));
    if (table.length < 4) throw new Error(`${p.name}'s performance table is missing`);
    process.stdout.write('\n');
    for (const line of table) show(p.name, line);
  }

  say("The doctor's audit log: medchat audit --verify walks its hash chain.");
  const verify = new Proc('audit', ['audit', '--verify', '--data-dir', dir('doctor')]);
  verify.child.stdin.end();
  expectCode(verify, await verify.waitExit('audit --verify'), 0, 'verify');
  await verify.waitFor(/^Audit chain verified/, 'Audit chain verified');

  say('Demo complete: every step happened.');
}

if (!existsSync(cliEntry)) {
  process.stderr.write(`The CLI is not built (${cliEntry} is missing): run "npm run build:node" first, or "npm run demo".\n`);
  process.exit(1);
}

const dataRoot = mkdtempSync(join(tmpdir(), 'medchat-demo-'));
show('demo', `data directory: ${dataRoot}`);
const killAll = () => {
  for (const p of running) p.child.kill('SIGKILL');
};
process.once('SIGINT', () => {
  killAll();
  process.stderr.write('\n[demo] interrupted.\n');
  process.exit(130);
});

main(dataRoot).then(
  () => {
    rmSync(dataRoot, { recursive: true, force: true });
    process.exitCode = 0;
  },
  (error) => {
    process.stderr.write(`\n[demo] FAILED: ${error.message}\n[demo] data kept in ${dataRoot}\n`);
    killAll();
    process.exitCode = 1;
  },
);

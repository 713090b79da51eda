/**
 * Hostile client: load on the doctor, each mode from source addresses of its own in 127.0.0.0/8.
 * Modes:
 * - crowd: --count full handshakes (ids crowd-N, from --addresses addresses) and --stall more
 *   connections that never finish it (half send nothing, half stop after their hello), all held at
 *   once. Reports `admitted` when every handshake is in, each stalled connection's ending (the
 *   doctor's opcode 60 code and when), then waits for a line "leave" on stdin, closes everything
 *   and reports `left`.
 * - churn: --count connections opened and closed at once, --parallel at a time (every third one
 *   after half a frame); reports `summary` with how many connected and how long it took.
 * - deaf: one full handshake as --id, then reads nothing while broadcasts pile up; reports
 *   `admitted`. On a line "read" it reads again, to the close, and reports `closed` with how many
 *   broadcasts had got through and the opcode 60 code, if any reached it.
 * Usage: --port P --mode crowd|churn|deaf [--count N] [--stall N] [--addresses N] [--parallel N] [--id ID]
 */
import { createInterface } from 'node:readline';
import { connect } from 'node:net';
import { encodeFrame, encodePatientMessage } from '../../src/main/protocol/index.js';
import { FFDHE2048, type KeyPair } from '../../src/main/crypto/index.js';
import { modPowBigInt } from '../../src/main/crypto/modexp/bigint.js';
import { join, type Member } from '../integration/support/join.js';
import { RawClient } from '../integration/support/raw-patient.js';
import { need, options, report } from './report.js';

const opts = options();
const port = Number(need(opts, 'port'));
const mode = need(opts, 'mode');
const count = Number(opts.get('count') ?? 400);

/** Source address number i of a mode's range (127.<block>.x.y), so modes never share an address. */
function address(block: number, i: number): string {
  return `127.${block}.${Math.floor(i / 250)}.${(i % 250) + 1}`;
}

function stdinLine(expected: string): Promise<void> {
  return new Promise((resolve) => {
    const rl = createInterface({ input: process.stdin });
    rl.on('line', (line) => {
      if (line.trim() === expected) {
        rl.close();
        resolve();
      }
    });
  });
}

// A handful of keys for many ids (keygen would dominate the run), the same in every run: a crowd
// that comes back is the same patients, admitted under their pins.
const keyPairs: KeyPair[] = Array.from({ length: 8 }, (_, k) => {
  const x = (1n << 200n) + BigInt(k) * 7919n + 12345n;
  return { group: FFDHE2048, x, y: modPowBigInt(FFDHE2048.g, x, FFDHE2048.p) };
});

/** Opens connection i that will never finish the handshake; resolves once it is open (and has said hello, if odd). */
async function openStall(i: number): Promise<RawClient> {
  const client = await RawClient.open(port, '127.0.0.1', address(31, Math.floor(i / 8)));
  if (i % 2 === 1) client.send({ op: 5, v: 2, patientId: `stall-${i}`, p: FFDHE2048.p, g: FFDHE2048.g, y: keyPairs[i % keyPairs.length]!.y });
  return client;
}

async function crowd(): Promise<void> {
  const addresses = Number(opts.get('addresses') ?? 50);
  const stalls = Number(opts.get('stall') ?? 100);
  const started = Date.now();
  const members: Member[] = [];
  const perAddress = Math.ceil(count / addresses);
  await Promise.all(
    Array.from({ length: addresses }, async (_, a) => {
      for (let k = 0; k < perAddress && a * perAddress + k < count; k++) {
        const i = a * perAddress + k;
        members.push(await join(port, { patientId: `crowd-${i}`, keyPair: keyPairs[i % keyPairs.length]!, localAddress: address(30, a) }));
      }
    }),
  );
  report('admitted', { count: members.length, ms: Date.now() - started });
  // Then the connections that never finish, while the crowd is held: all open at once.
  const opened = Date.now();
  const clients = await Promise.all(Array.from({ length: stalls }, (_, i) => openStall(i)));
  report('stalls-open', { count: clients.length });
  await Promise.all(
    clients.map(async (client, i) => {
      const received = await client.waitClosed(60_000);
      const last = received.find((m) => m.op === 60);
      report('stalled', { i, sentHello: i % 2 === 1, code: last && last.op === 60 ? last.code : 'bare close', afterMs: Date.now() - opened });
    }),
  );
  report('stalls-ended', { count: stalls });
  await stdinLine('leave');
  for (const m of members) m.client.close();
  report('left', { count: members.length });
}

async function churn(): Promise<void> {
  const parallel = Number(opts.get('parallel') ?? 16);
  const started = Date.now();
  const half = encodeFrame(encodePatientMessage({ op: 5, v: 2, patientId: 'churn', p: FFDHE2048.p, g: FFDHE2048.g, y: 4n })).subarray(0, 40);
  let next = 0;
  let connected = 0;
  let failed = 0;
  await Promise.all(
    Array.from({ length: parallel }, async (_, lane) => {
      while (next < count) {
        const i = next++;
        await new Promise<void>((resolve) => {
          const socket = connect({ host: '127.0.0.1', port, localAddress: address(32, lane) }, () => {
            if (connected++ === 0) report('started');
            if (i % 3 === 2) socket.write(half);
            socket.destroy();
          });
          socket.on('error', () => void failed++);
          socket.on('close', () => resolve());
        });
      }
    }),
  );
  report('summary', { count, connected, failed, ms: Date.now() - started });
}

async function deaf(): Promise<void> {
  const id = opts.get('id') ?? 'deaf';
  const member = await join(port, { patientId: id, localAddress: address(33, 0) });
  const before = member.client.received.length;
  member.client.socket.pause(); // from here on nothing is read: the doctor's messages pile up
  report('admitted', { id });
  await stdinLine('read');
  // Reads what made it into the kernel's buffers before the doctor let go, to the close.
  member.client.socket.resume();
  const received = (await member.client.waitClosed(30_000)).slice(before);
  const last = received.filter((m) => m.op === 60).at(-1);
  report('closed', { id, broadcasts: received.filter((m) => m.op === 40).length, code: last && last.op === 60 ? last.code : 'none' });
}

const modes: Record<string, () => Promise<void>> = { crowd, churn, deaf };
const run = modes[mode];
if (!run) throw new Error(`unknown --mode ${mode}`);
run().then(
  () => process.exit(0),
  (error: unknown) => {
    report('error', { message: (error as Error).message });
    process.exit(1);
  },
);

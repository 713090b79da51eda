/**
 * Hostile client: tries to lock patients out without their keys. Modes:
 * - garbage-op10: hello under --id with a fresh key, then an opcode 10 with a garbage signature,
 *   --count times (the old rule blocked an unpinned id for this).
 * - key-change-spam: a whole handshake under a pinned --id with a new key each time, --count
 *   times (the old queue gave the first such request the id's only slot, with no expiry).
 * Reports each reply. Usage: --port P --mode M --id ID [--count 5] [--from 127.0.0.6]
 */
import { randomBytes } from 'node:crypto';
import { FFDHE2048 } from '../../src/main/crypto/index.js';
import { RawClient, handshake, newKeyPair } from '../integration/support/raw-patient.js';
import { need, options, report } from './report.js';

const opts = options();
const port = Number(need(opts, 'port'));
const mode = need(opts, 'mode');
const id = need(opts, 'id');
const from = opts.get('from') ?? '127.0.0.6';
const n = Number(opts.get('count') ?? 5);
const done = (m: { op: unknown }): boolean => m.op === 60 || m.op === 80 || m.op === 'closed';

async function keyChange(i: number): Promise<void> {
  try {
    const session = await handshake(port, { patientId: id, localAddress: from });
    const reply = await session.client.waitFor(done);
    report('reply', { i, op: reply.op, code: (reply as { code?: string }).code ?? null });
    session.client.close();
  } catch (error) {
    const reply = (error as { reply?: { op: unknown; code?: string } }).reply;
    report('reply', { i, op: reply?.op ?? 'error', code: reply?.code ?? null });
  }
}

for (let i = 0; i < n; i++) {
  if (mode === 'key-change-spam') {
    await keyChange(i);
    continue;
  }
  const c = await RawClient.open(port, '127.0.0.1', from);
  c.send({ op: 5, v: 2, patientId: id, p: FFDHE2048.p, g: FFDHE2048.g, y: newKeyPair().y });
  const hello = await c.waitFor((m) => m.op === 5 || done(m));
  if (mode === 'garbage-op10' && hello.op === 5) {
    const big = (): bigint => BigInt('0x' + randomBytes(200).toString('hex'));
    c.send({ op: 10, ts: Date.now(), rn: randomBytes(16).toString('hex'), patientId: id, c1: big(), c2: big(), r: big(), s: big() });
    const reply = await c.waitFor(done);
    report('reply', { i, op: reply.op, code: (reply as { code?: string }).code ?? null });
  } else {
    report('reply', { i, op: hello.op, code: (hello as { code?: string }).code ?? null });
  }
  c.close();
}
report('done');
process.exit(0);

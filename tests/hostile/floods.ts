/**
 * Hostile client: floods the doctor with work that each source address is allowed a little of.
 * Modes:
 * - disconnects: connection after connection from one address, each sending one opcode 60 with a
 *   long reason of characters that expand when escaped, for --seconds (audit-log growth).
 * - cheap-handshakes: handshakes that cost the attacker almost nothing (a fixed signature nonce,
 *   c1 = c2 = 4) but cost the doctor a verification, a decryption, an encryption and a signature,
 *   from --addresses source addresses with --per-address in flight each, for --seconds.
 * - fake-requests: whole handshakes under --id with new keys from one address (--count), each
 *   left waiting for approval (the old queue pushed the real patient out to make room).
 * Usage: --port P --mode M [--seconds 3] [--addresses 8] [--per-address 4] [--bits 3072|4096] [--id bob] [--count 4]
 */
import { randomBytes } from 'node:crypto';
import { CryptoEngine, FFDHE3072, FFDHE4096, mod, modInverse, signatureHash } from '../../src/main/crypto/index.js';
import { keyExchangeTranscript } from '../../src/main/protocol/index.js';
import { RawClient, handshake } from '../integration/support/raw-patient.js';
import { need, options, report } from './report.js';

const opts = options();
const port = Number(need(opts, 'port'));
const mode = need(opts, 'mode');
const seconds = Number(opts.get('seconds') ?? 3);
const deadline = Date.now() + seconds * 1000;
const tally = new Map<string, number>();
const count = (what: string): void => void tally.set(what, (tally.get(what) ?? 0) + 1);

async function disconnects(): Promise<void> {
  const reason = '\u202e'.repeat(200) + 'x'.repeat(300);
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (Date.now() < deadline) {
        const c = await RawClient.open(port, '127.0.0.1', '127.0.0.77').catch(() => null);
        if (!c) continue;
        c.send({ op: 60, code: '\u202e'.repeat(40), reason });
        await c.waitClosed(2_000).catch(() => undefined);
        count('sent');
      }
    }),
  );
}

async function cheapHandshakes(): Promise<void> {
  const engine = new CryptoEngine();
  const group = opts.get('bits') === '4096' ? FFDHE4096 : FFDHE3072;
  const pair = engine.generateKeyPair(group);
  const k = (BigInt('0x' + randomBytes(32).toString('hex')) | 1n) % group.q;
  const r = engine.backend.modPow(group.g, k, group.p);
  const kInverse = modInverse(k, group.q);
  const sign = (message: Uint8Array): { r: bigint; s: bigint } => ({ r, s: mod((signatureHash(group, message, r) - pair.x * r) * kInverse, group.q) });
  const one = async (id: string, from: string): Promise<void> => {
    const c = await RawClient.open(port, '127.0.0.1', from);
    try {
      c.send({ op: 5, v: 2, patientId: id, p: group.p, g: group.g, y: pair.y });
      const hello = await c.waitFor(() => true, 15_000);
      if (hello.op !== 5) return count(`hello ${hello.op === 60 ? hello.code : hello.op}`);
      const ctx = { patientId: id, doctorId: hello.doctorId, p: group.p, g: group.g, patientY: pair.y, doctorY: hello.y };
      const m = { ts: Date.now(), rn: randomBytes(16).toString('hex'), c1: 4n, c2: 4n };
      c.send({ op: 10, patientId: id, ...m, ...sign(keyExchangeTranscript(ctx, m)) });
      const answer = await c.waitFor((x) => x.op !== 5, 15_000);
      count(`op10 ${answer.op === 60 ? answer.code : answer.op}`);
    } finally {
      c.close();
    }
  };
  const addresses = Number(opts.get('addresses') ?? 8);
  const perAddress = Number(opts.get('per-address') ?? 4);
  await Promise.all(
    Array.from({ length: addresses * perAddress }, async (_, i) => {
      const from = `127.0.4.${1 + (i % addresses)}`;
      for (let n = 0; Date.now() < deadline; n++) await one(`cheap${i}x${n}`, from).catch(() => count('error'));
    }),
  );
}

async function fakeRequests(): Promise<void> {
  const held: RawClient[] = [];
  for (let i = 0; i < Number(opts.get('count') ?? 4); i++) {
    const session = await handshake(port, { patientId: need(opts, 'id'), localAddress: '127.0.0.50' });
    const answer = await session.client.waitFor((m) => m.op === 70 || m.op === 60 || m.op === 'closed');
    count(answer.op === 60 ? answer.code : `op ${answer.op}`);
    held.push(session.client);
  }
  report('holding', { requests: held.length });
  await new Promise((r) => setTimeout(r, seconds * 1000));
}

if (mode === 'disconnects') await disconnects();
else if (mode === 'cheap-handshakes') await cheapHandshakes();
else if (mode === 'fake-requests') await fakeRequests();
else throw new Error(`unknown mode ${mode}`);
report('summary', { tally: Object.fromEntries(tally) });
process.exit(0);

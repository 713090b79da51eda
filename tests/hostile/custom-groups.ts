/**
 * Hostile client: makes the doctor check groups. Modes:
 * - generator-spin: the standard ffdhe2048 prime with g = k^2 mod p, a new k each hello (each
 *   one a "new" custom group to a cache keyed on (p, g)).
 * - prime-flood: random primes p = 3 mod 8 with g = 4, so that g^q = 1 holds and every check
 *   reaches the primality tests; from --addresses N source addresses (127.0.0.10 on), each
 *   keeping one hello in flight, for --seconds.
 * Reports each reply (opcode and code). Usage: --port P --mode M [--count 20] [--addresses 8] [--seconds 6]
 */
import { generatePrimeSync, randomBytes } from 'node:crypto';
import { FFDHE2048 } from '../../src/main/crypto/index.js';
import { RawClient } from '../integration/support/raw-patient.js';
import { need, options, report } from './report.js';

const opts = options();
const port = Number(need(opts, 'port'));
const mode = need(opts, 'mode');
const tally = new Map<string, number>();

function count(reply: { op: number | string; code?: unknown }): string {
  const key = reply.op === 60 ? String(reply.code) : `op ${reply.op}`;
  tally.set(key, (tally.get(key) ?? 0) + 1);
  return key;
}

async function hello(p: bigint, g: bigint, id: string, from: string): Promise<string> {
  const c = await RawClient.open(port, '127.0.0.1', from);
  c.send({ op: 5, v: 2, patientId: id, p, g, y: 4n });
  const reply = await c.waitFor((m) => m.op === 5 || m.op === 60 || m.op === 80 || m.op === 'closed', 20_000);
  c.close();
  return count(reply as { op: number | string; code?: unknown });
}

function randomPrime3Mod8(): bigint {
  for (;;) {
    const p = generatePrimeSync(2048, { bigint: true });
    if ((p & 7n) === 3n) return p;
  }
}

if (mode === 'generator-spin') {
  for (let i = 0; i < Number(opts.get('count') ?? 20); i++) {
    const k = BigInt('0x' + randomBytes(32).toString('hex')) + 3n;
    const reason = await hello(FFDHE2048.p, (k * k) % FFDHE2048.p, `spin${i}`, '127.0.0.3');
    report('reply', { i, reply: reason });
  }
} else if (mode === 'prime-flood') {
  const deadline = Date.now() + Number(opts.get('seconds') ?? 6) * 1000;
  const addresses = Number(opts.get('addresses') ?? 8);
  await Promise.all(
    Array.from({ length: addresses }, async (_, a) => {
      for (let i = 0; Date.now() < deadline; i++) report('reply', { from: a, reply: await hello(randomPrime3Mod8(), 4n, `flood${a}x${i}`, `127.0.0.${10 + a}`) });
    }),
  );
} else {
  throw new Error(`unknown mode ${mode}`);
}
report('summary', { replies: Object.fromEntries(tally) });
process.exit(0);

/**
 * Hostile client: tries to write the doctor's console and audit log for it. It says hello under
 * --id, then ends with an opcode 60 whose code and reason carry newlines, a tab, bidi controls,
 * U+2028/U+2029 and a BOM, shaped like the doctor's own "[admitted]" lines.
 * Usage: --port P [--id mallory] [--from 127.0.0.4]
 */
import { FFDHE2048 } from '../../src/main/crypto/index.js';
import { RawClient, newKeyPair } from '../integration/support/raw-patient.js';
import { need, options, report } from './report.js';

const opts = options();
const port = Number(need(opts, 'port'));
const id = opts.get('id') ?? 'mallory';
export const FORGED = `\n[admitted] ${id} (127.0.0.1:40000): pinned key; key 11111 22222 33333 44444 55555 66666\n[rekey]: epoch 9 (join of ${id}); 4 patient(s)`;

const c = await RawClient.open(port, '127.0.0.1', opts.get('from') ?? '127.0.0.4');
c.send({ op: 5, v: 2, patientId: id, p: FFDHE2048.p, g: FFDHE2048.g, y: newKeyPair().y });
const reply = await c.waitFor((m) => m.op === 5 || m.op === 60 || m.op === 'closed');
report('hello-reply', { op: reply.op });
c.send({ op: 60, code: `BYE\n[admitted] ${id}\t\u202e`, reason: `bye${FORGED}\u2028\u2029\ufeff\u2066tail\u2069` });
await c.waitClosed(5_000).catch(() => undefined);
report('done');
process.exit(0);

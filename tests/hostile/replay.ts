/**
 * Hostile client: replays a recorded hello and opcode 10 (written by `relay.ts --record FILE`) on
 * a connection of its own, and reports what the doctor answers to the opcode 10.
 * Usage: --port P --file FILE [--from 127.0.0.8]
 */
import { readFileSync } from 'node:fs';
import { encodeFrame } from '../../src/main/protocol/index.js';
import { RawClient } from '../integration/support/raw-patient.js';
import { need, options, report } from './report.js';

const opts = options();
const recorded = JSON.parse(readFileSync(need(opts, 'file'), 'utf8')) as { hello: string; op10: string };
const c = await RawClient.open(Number(need(opts, 'port')), '127.0.0.1', opts.get('from') ?? '127.0.0.8');
c.sendRaw(encodeFrame(new TextEncoder().encode(recorded.hello)));
const hello = await c.waitFor((m) => m.op === 5 || m.op === 60 || m.op === 80 || m.op === 'closed');
report('hello-reply', { op: hello.op });
c.sendRaw(encodeFrame(new TextEncoder().encode(recorded.op10)));
const reply = await c.waitFor((m) => m.op === 20 || m.op === 60 || m.op === 80 || m.op === 'closed');
report('op10-reply', { op: reply.op, code: (reply as { code?: string }).code ?? null });
c.close();
process.exit(0);

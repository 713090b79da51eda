/**
 * Hostile client: holds as many connections to the doctor as it can from one source address,
 * sending nothing (or trickling a hello one byte at a time), and reconnects each one the doctor
 * closes, for --seconds. Reports how each connection ended: the doctor's opcode 60 code, or a
 * bare close. Usage: --port P [--from 127.0.0.2] [--count 40] [--seconds 6] [--mode idle|trickle]
 */
import { connect, type Socket } from 'node:net';
import { FrameDecoder, decodeFromDoctor } from '../../src/main/protocol/index.js';
import { need, options, report } from './report.js';

const opts = options();
const port = Number(need(opts, 'port'));
const from = opts.get('from') ?? '127.0.0.2';
const count = Number(opts.get('count') ?? 40);
const seconds = Number(opts.get('seconds') ?? 6);
const mode = opts.get('mode') ?? 'idle';
const deadline = Date.now() + seconds * 1000;
const endings = new Map<string, number>();
let open = 0;
let opened = 0;

function hold(): void {
  if (Date.now() >= deadline) return;
  const socket: Socket = connect({ host: '127.0.0.1', port, localAddress: from });
  const decoder = new FrameDecoder();
  const started = Date.now();
  let code = 'bare close';
  let trickle: NodeJS.Timeout | null = null;
  socket.on('connect', () => {
    open++;
    opened++;
    if (mode === 'trickle') {
      const bytes = Buffer.from([0, 0, 1, 0]); // a 256-byte frame that never completes
      let i = 0;
      trickle = setInterval(() => socket.write(bytes.subarray(i % 4, (i++ % 4) + 1)), 500);
    }
  });
  socket.on('data', (chunk: Buffer) => {
    try {
      for (const body of decoder.push(new Uint8Array(chunk))) {
        const m = decodeFromDoctor(body);
        code = m.op === 60 ? m.code : `op ${m.op}`;
      }
    } catch {
      code = 'undecodable';
    }
  });
  socket.on('error', () => {});
  socket.on('close', () => {
    if (trickle) clearInterval(trickle);
    open = Math.max(0, open - 1);
    endings.set(code, (endings.get(code) ?? 0) + 1);
    report('closed', { code, afterMs: Date.now() - started });
    setTimeout(hold, 20);
  });
}

for (let i = 0; i < count; i++) hold();
setTimeout(() => {
  report('summary', { opened, stillOpen: open, endings: Object.fromEntries(endings) });
  process.exit(0);
}, seconds * 1000 + 200);

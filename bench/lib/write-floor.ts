/**
 * The fan-out's floor, measured in the same run: what the kernel charges this process for one
 * corked pair of writes (a group-key frame and a broadcast frame of the doctor's sizes) to each
 * of N loopback sockets whose readers sit in another process (bench/sink.ts). On loopback the
 * sender's system call also runs the receiving side of TCP, so this is most of what a doctor
 * pays per patient for a rekey plus broadcast, before any of its own code.
 */
import { fork } from 'node:child_process';
import { createServer, type Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { sleep } from './fleet.js';

const SINK = fileURLToPath(new URL('../sink.js', import.meta.url));

export interface WriteFloor {
  /** CPU of this process (user + system) for one round of writes to all N sockets, per round. */
  cpuMs: number[];
  wallMs: number[];
}

export async function measureWriteFloor(n: number, frameBytes: [number, number], rounds: number, octet = 3): Promise<WriteFloor> {
  const accepted: Socket[] = [];
  const server = createServer((socket) => {
    socket.setNoDelay(true);
    accepted.push(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  const child = fork(SINK, [String(port), String(n), String(octet)], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'], execArgv: [] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  try {
    await new Promise<void>((resolve, reject) => {
      child.once('message', () => resolve());
      child.once('exit', (code) => reject(new Error(`write-floor sink exited with ${code}: ${stderr.slice(-500)}`)));
    });
    while (accepted.length < n) await sleep(10);
    const a = Buffer.alloc(frameBytes[0], 0x61);
    const b = Buffer.alloc(frameBytes[1], 0x62);
    const cpuMs: number[] = [];
    const wallMs: number[] = [];
    for (let r = 0; r < rounds; r++) {
      await sleep(150);
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      for (const socket of accepted) {
        socket.cork();
        socket.write(a);
        socket.write(b);
        socket.uncork();
      }
      wallMs.push(performance.now() - t0);
      const cpu = process.cpuUsage(cpu0);
      cpuMs.push((cpu.user + cpu.system) / 1000);
    }
    return { cpuMs, wallMs };
  } finally {
    child.kill();
    for (const socket of accepted) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}


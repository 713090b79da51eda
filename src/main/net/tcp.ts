/**
 * TCP listening and dialling for the conference. The listener closes cleanly (existing sockets
 * are ended by their owners first) and, since libuv sets SO_REUSEADDR, a restarted doctor can
 * listen on the same port at once.
 */
import { createServer, connect as netConnect, type Server, type Socket } from 'node:net';
import { FramedSocket } from './framed-socket.js';
import { hostPort } from '../../shared/address.js';

export interface Listener {
  readonly host: string;
  readonly port: number;
  close(): Promise<void>;
}

/**
 * `maxSockets` is a last resort against running out of file descriptors, far above the doctor's
 * own caps: the doctor refuses connections over its caps itself, with opcode 60 and a reason,
 * and needs the sockets to say so.
 */
export function listen(host: string, port: number, onConnection: (socket: FramedSocket) => void, maxSockets = 4_096): Promise<Listener> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    onConnection(new FramedSocket(socket));
  });
  server.maxConnections = maxSockets;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    // A join storm connects faster than accept() runs: the default backlog (511) overflows and
    // the kernel drops SYNs, which patients see as one-second retransmission stalls.
    server.listen({ host, port, exclusive: true, backlog: 4_096 }, () => {
      server.off('error', reject);
      const address = server.address();
      const bound = typeof address === 'object' && address ? address.port : port;
      resolve({
        host,
        port: bound,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            // Sockets still open at this point were not ended by their owner; cut them.
            setTimeout(() => sockets.forEach((s) => s.destroy()), 2500).unref();
          }),
      });
    });
  });
}

/** What a person can do about each way a connection fails (the code stays, for whoever looks it up). */
const UNREACHABLE_HINTS: Record<string, string> = {
  ECONNREFUSED: 'nothing is listening there; check that the doctor has started the conference, and the port',
  ENOTFOUND: 'no computer has that name; check the spelling of the address',
  EAI_AGAIN: 'the name could not be looked up just now; check the network, or use the address in numbers',
  EHOSTUNREACH: 'that computer cannot be reached from here; check the address and the network',
  ENETUNREACH: 'this computer has no network to reach it; check the connection',
  ETIMEDOUT: 'no answer; check the address, and any firewall between you',
  ECONNRESET: 'the other side closed the connection at once',
  EADDRNOTAVAIL: 'this computer cannot use that address; check it',
};

/** `localAddress` picks the source address on a multi-homed machine (the bench dials from many loopback addresses). */
export function connect(host: string, port: number, timeoutMs = 10_000, localAddress?: string): Promise<FramedSocket> {
  return new Promise((resolve, reject) => {
    const socket = netConnect(localAddress ? { host, port, localAddress } : { host, port });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`Could not reach ${hostPort(host, port)} within ${Math.round(timeoutMs / 1000)} s.`));
    }, timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.removeAllListeners('error');
      resolve(new FramedSocket(socket));
    });
    socket.once('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      const code = error.code ?? error.message;
      reject(new Error(`Could not reach ${hostPort(host, port)}: ${UNREACHABLE_HINTS[code] ?? 'the connection failed'} (${code}).`));
    });
  });
}

/**
 * A child process for the fan-out baseline (bench/lib/write-floor.ts): opens `count` TCP
 * connections to 127.0.0.1:`port`, each from its own loopback address as the bench patients do,
 * reads and discards everything, and tells the parent 'ready' once all are connected.
 */
import { connect } from 'node:net';

const [port, count, octet] = process.argv.slice(2).map(Number);
let open = 0;
for (let i = 0; i < count!; i++) {
  const socket = connect({ host: '127.0.0.1', port: port!, localAddress: `127.${octet}.${Math.floor(i / 250)}.${(i % 250) + 1}` });
  socket.on('connect', () => {
    if (++open === count) process.send?.('ready');
  });
  socket.on('data', () => {});
  socket.on('error', (error) => {
    process.stderr.write(`sink socket ${i}: ${error.message}\n`);
    process.exit(1);
  });
}
process.on('disconnect', () => process.exit(0));

/**
 * A free TCP port on the loopback interface, for the doctor's conference listener (chosen in the
 * UI, so it cannot be 0). The port is released before it is returned: another process could take
 * it in between, which is unlikely enough on a test machine; the UI then shows an error.
 */
import { createServer } from 'node:net';

export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolvePort, rejectPort) => {
    const server = createServer();
    server.unref();
    server.once('error', rejectPort);
    server.listen({ host, port: 0, exclusive: true }, () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close((error) => (error ? rejectPort(error) : port > 0 ? resolvePort(port) : rejectPort(new Error('freePort: no port assigned'))));
    });
  });
}

/** Sockets: the only folder that touches node:net. */
export * from './framed-socket.js';
export * from './tcp.js';

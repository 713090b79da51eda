/** Connections: the only folder that touches node:net. */
export * from './channel.js';
export * from './framed-socket.js';
export * from './memory.js';
export * from './tcp.js';

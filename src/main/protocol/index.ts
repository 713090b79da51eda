/** The wire protocol: a pure codec, knowing nothing of sockets or keys. */
export * from './errors.js';
export * from './fields.js';
export * from './frame.js';
export * from './messages.js';
export * from './transcript.js';

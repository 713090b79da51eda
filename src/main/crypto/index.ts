/** Public surface of the crypto engine. */
export * from './aes-cbc-hmac.js';
export * from './bigint.js';
export * from './constant-time.js';
export * from './elgamal.js';
export * from './elgamal-signature.js';
export * from './encoding.js';
export * from './engine.js';
export * from './errors.js';
export * from './group-generate.js';
export * from './group-validate.js';
export * from './groups.js';
export * from './hash.js';
export * from './metrics.js';
export * from './modexp/backend.js';
export * from './modexp/select.js';
export * from './random.js';
export * from './async-engine.js';

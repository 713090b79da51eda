/**
 * The crypto engine the rest of the program uses: the primitives of this folder bound to one
 * modular exponentiation backend, each call timed into a PerfMetrics. No I/O, no Electron.
 */
import { deriveSealKeys, open, seal, sealWithIv, type SealKeys } from './aes-cbc-hmac.js';
import { decrypt, encrypt, generateKeyPair, randomSubgroupElement, type Ciphertext, type KeyPair, type PublicKey } from './elgamal.js';
import { sign, verify, type Signature } from './elgamal-signature.js';
import { generateSafePrimeGroup, type GenerateOptions } from './group-generate.js';
import { validateGroup, type GroupCheck } from './group-validate.js';
import type { Group } from './groups.js';
import { hkdfSha256, hmacSha256, sha256 } from './hash.js';
import { PerfMetrics } from './metrics.js';
import type { ModExpBackend } from './modexp/backend.js';
import { selectBackend, type BackendSelection } from './modexp/select.js';

let cachedSelection: BackendSelection | undefined;

/** The process-wide backend choice, made once (self-test plus timing, a few milliseconds). */
export function defaultBackendSelection(): BackendSelection {
  cachedSelection ??= selectBackend();
  return cachedSelection;
}

export class CryptoEngine {
  constructor(
    readonly backend: ModExpBackend = defaultBackendSelection().backend,
    readonly metrics: PerfMetrics = new PerfMetrics(),
  ) {}

  generateKeyPair(group: Group): KeyPair {
    return this.metrics.time('KeyPair Generation', () => generateKeyPair(group, this.backend));
  }

  randomSubgroupElement(group: Group): bigint {
    return randomSubgroupElement(group);
  }

  encrypt(recipient: PublicKey, message: bigint): Ciphertext {
    return this.metrics.time('ElGamal Encryption', () => encrypt(recipient, message, this.backend));
  }

  decrypt(keyPair: KeyPair, ciphertext: Ciphertext): bigint {
    return this.metrics.time('ElGamal Decryption', () => decrypt(keyPair, ciphertext, this.backend));
  }

  sign(keyPair: KeyPair, message: Uint8Array): Signature {
    return this.metrics.time('Signature Generation', () => sign(keyPair, message, this.backend));
  }

  verify(signer: PublicKey, message: Uint8Array, signature: Signature): boolean {
    return this.metrics.time('Signature Verification', () => verify(signer, message, signature, this.backend));
  }

  hash(data: Uint8Array): Uint8Array {
    return this.metrics.time('Hash Computation', () => sha256(data));
  }

  hkdf(ikm: Uint8Array, salt: Uint8Array | undefined, info: Uint8Array, length: number): Uint8Array {
    return this.metrics.time('Hash Computation', () => hkdfSha256(ikm, salt, info, length));
  }

  hmac(key: Uint8Array, data: Uint8Array): Uint8Array {
    return this.metrics.time('HMAC Computation', () => hmacSha256(key, data));
  }

  deriveSealKeys(secret: Uint8Array, context: string): SealKeys {
    return this.metrics.time('Hash Computation', () => deriveSealKeys(secret, context));
  }

  seal(keys: SealKeys, plaintext: Uint8Array, aad: Uint8Array): Uint8Array {
    return this.metrics.time('AES Encryption', () => seal(keys, plaintext, aad));
  }

  /** See aes-cbc-hmac.ts: `iv` is 16 fresh random bytes for this box alone. */
  sealWithIv(keys: SealKeys, iv: Uint8Array, plaintext: Uint8Array, aad: Uint8Array): Uint8Array {
    return this.metrics.time('AES Encryption', () => sealWithIv(keys, iv, plaintext, aad));
  }

  open(keys: SealKeys, sealed: Uint8Array, aad: Uint8Array): Uint8Array {
    return this.metrics.time('AES Decryption', () => open(keys, sealed, aad));
  }

  validateGroup(p: bigint, g: bigint): Promise<GroupCheck> {
    return this.metrics.timeAsync('Group Validation', () => validateGroup(p, g, this.backend));
  }

  generateGroup(bits: number, options?: GenerateOptions): Promise<Group> {
    return this.metrics.timeAsync('Group Generation', () => generateSafePrimeGroup(bits, this.backend, options));
  }
}

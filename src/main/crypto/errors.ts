/** Errors raised by the crypto engine carry a stable code for callers and a sentence for people. */
export type CryptoErrorCode =
  | 'MAC_MISMATCH'
  | 'MALFORMED_CIPHERTEXT'
  | 'NOT_IN_SUBGROUP'
  | 'DECRYPTION_FAILED';

export class CryptoError extends Error {
  constructor(
    readonly code: CryptoErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'CryptoError';
  }
}

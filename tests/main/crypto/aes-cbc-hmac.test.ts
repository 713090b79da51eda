// AES-256-CBC known answers, and the encrypt-then-MAC envelope: round trips, tampering, and the
// order of checks (MAC before any decryption, so there is no padding oracle).
import { describe, expect, it } from 'vitest';
import {
  aes256CbcDecrypt,
  aes256CbcEncrypt,
  deriveSealKeys,
  IV_BYTES,
  open,
  seal,
  sealWithIv,
  TAG_BYTES,
  type SealKeys,
} from '../../../src/main/crypto/aes-cbc-hmac.js';
import { encodeFields } from '../../../src/main/crypto/encoding.js';
import { CryptoError } from '../../../src/main/crypto/errors.js';
import { hmacSha256 } from '../../../src/main/crypto/hash.js';
import { randomBytes } from '../../../src/main/crypto/random.js';
import { errorCode, fromHex, hex, thrown, utf8 } from './helpers.js';

// NIST SP 800-38A, appendix F.2.5 (CBC-AES256.Encrypt) and F.2.6 (CBC-AES256.Decrypt).
const SP800_38A = {
  key: fromHex('603deb1015ca71be2b73aef0857d7781 1f352c073b6108d72d9810a30914dff4'),
  iv: fromHex('000102030405060708090a0b0c0d0e0f'),
  plaintext: fromHex(`
    6bc1bee22e409f96e93d7e117393172a
    ae2d8a571e03ac9c9eb76fac45af8e51
    30c81c46a35ce411e5fbc1191a0a52ef
    f69f2445df4f9b17ad2b417be66c3710`),
  ciphertext: fromHex(`
    f58c4c04d6e5f1ba779eabfb5f7bfbd6
    9cfc4e967edb808d679f777bc6702c7d
    39f23369a9d9bacfa530e26304231461
    b2eb05e2c39be9fcda6c19078c6a9d1b`),
};

const keysFor = (context: string): SealKeys => deriveSealKeys(randomBytes(32), context);
const aad = utf8('opcode=40;epoch=7');

/** A copy of `bytes` with one bit flipped at `index`. */
function flipped(bytes: Uint8Array, index: number): Uint8Array {
  const copy = bytes.slice();
  copy[index] = copy[index]! ^ 0x01;
  return copy;
}

describe('AES-256-CBC (NIST SP 800-38A)', () => {
  it('F.2.5 CBC-AES256.Encrypt', () => {
    expect(hex(aes256CbcEncrypt(SP800_38A.key, SP800_38A.iv, SP800_38A.plaintext, false))).toBe(hex(SP800_38A.ciphertext));
  });

  it('F.2.6 CBC-AES256.Decrypt', () => {
    expect(hex(aes256CbcDecrypt(SP800_38A.key, SP800_38A.iv, SP800_38A.ciphertext, false))).toBe(hex(SP800_38A.plaintext));
  });

  it('with padding on, adds one full PKCS#7 block to a block-aligned message and removes it again', () => {
    const ct = aes256CbcEncrypt(SP800_38A.key, SP800_38A.iv, SP800_38A.plaintext);
    expect(ct).toHaveLength(SP800_38A.plaintext.length + 16);
    expect(hex(ct.subarray(0, 64))).toBe(hex(SP800_38A.ciphertext)); // CBC: the prefix is unchanged
    expect(hex(aes256CbcDecrypt(SP800_38A.key, SP800_38A.iv, ct))).toBe(hex(SP800_38A.plaintext));
  });
});

describe('seal / open', () => {
  it.each([0, 1, 15, 16, 17, 1000, 60000])('round trips a %i-byte message', (size) => {
    const keys = keysFor('broadcast');
    const plaintext = randomBytes(size);
    const sealed = seal(keys, plaintext, aad);
    const padded = (Math.floor(size / 16) + 1) * 16;
    expect(sealed).toHaveLength(IV_BYTES + padded + TAG_BYTES);
    expect(hex(open(keys, sealed, aad))).toBe(hex(plaintext));
  });

  it('uses a fresh random IV, so sealing the same message twice gives different output', () => {
    const keys = keysFor('broadcast');
    const plaintext = utf8('the same message');
    const a = seal(keys, plaintext, aad);
    const b = seal(keys, plaintext, aad);
    expect(hex(a.subarray(0, IV_BYTES))).not.toBe(hex(b.subarray(0, IV_BYTES)));
    expect(hex(a)).not.toBe(hex(b));
    expect(hex(open(keys, a, aad))).toBe(hex(open(keys, b, aad)));
  });

  describe('refuses altered messages with MAC_MISMATCH', () => {
    const keys = keysFor('broadcast');
    const sealed = seal(keys, randomBytes(40), aad); // iv 16 | ciphertext 48 | tag 32
    const ctEnd = sealed.length - TAG_BYTES;

    it.each([
      ['the first IV byte', 0],
      ['the last IV byte', IV_BYTES - 1],
      ['the first ciphertext byte', IV_BYTES],
      ['the last ciphertext byte', ctEnd - 1],
      ['the first tag byte', ctEnd],
      ['the last tag byte', sealed.length - 1],
    ])('a flipped bit in %s', (_label, index) => {
      const error = thrown(() => open(keys, flipped(sealed, index), aad));
      expect(error).toBeInstanceOf(CryptoError);
      expect((error as CryptoError).code).toBe('MAC_MISMATCH');
      expect((error as CryptoError).message).toMatch(/^open: /);
    });

    it('a different aad (the message moved to another context)', () => {
      expect(errorCode(() => open(keys, sealed, utf8('opcode=40;epoch=8')))).toBe('MAC_MISMATCH');
      expect(errorCode(() => open(keys, sealed, new Uint8Array(0)))).toBe('MAC_MISMATCH');
    });

    it('a ciphertext block dropped from the end (length still valid)', () => {
      const shorter = new Uint8Array(sealed.length - 16);
      shorter.set(sealed.subarray(0, ctEnd - 16));
      shorter.set(sealed.subarray(ctEnd), ctEnd - 16);
      expect(errorCode(() => open(keys, shorter, aad))).toBe('MAC_MISMATCH');
    });

    it('wrong keys: another secret, another context, or only the MAC key changed', () => {
      expect(errorCode(() => open(keysFor('broadcast'), sealed, aad))).toBe('MAC_MISMATCH');
      expect(errorCode(() => open({ encKey: keys.encKey, macKey: keysFor('x').macKey }, sealed, aad))).toBe('MAC_MISMATCH');
      expect(errorCode(() => open({ encKey: keys.macKey, macKey: keys.encKey }, sealed, aad))).toBe('MAC_MISMATCH');
    });

    it('a valid message replayed under the keys of another purpose', () => {
      const secret = randomBytes(32);
      const groupKeyMessage = seal(deriveSealKeys(secret, 'group-key'), randomBytes(32), aad);
      expect(errorCode(() => open(deriveSealKeys(secret, 'broadcast'), groupKeyMessage, aad))).toBe('MAC_MISMATCH');
    });
  });

  describe('refuses impossible lengths with MALFORMED_CIPHERTEXT', () => {
    const keys = keysFor('broadcast');
    const sealed = seal(keys, randomBytes(40), aad);

    it.each([0, 1, 16, 47, 48, IV_BYTES + TAG_BYTES, IV_BYTES + TAG_BYTES + 15, IV_BYTES + TAG_BYTES + 17, sealed.length - 1, sealed.length + 1])(
      'a %i-byte input',
      (length) => {
        const input = new Uint8Array(length);
        input.set(sealed.subarray(0, Math.min(length, sealed.length)));
        expect(errorCode(() => open(keys, input, aad))).toBe('MALFORMED_CIPHERTEXT');
      },
    );
  });

  it('checks the MAC before decrypting: a bad-padding ciphertext with a bad tag is MAC_MISMATCH, not DECRYPTION_FAILED', () => {
    const keys = keysFor('broadcast');
    const iv = randomBytes(IV_BYTES);
    // One block whose last plaintext byte is 0x00: never valid PKCS#7 padding.
    const block = randomBytes(16);
    block[15] = 0x00;
    const ciphertext = aes256CbcEncrypt(keys.encKey, iv, block, false);
    // The ciphertext really has invalid padding under the right key.
    expect(() => aes256CbcDecrypt(keys.encKey, iv, ciphertext)).toThrow();

    const assemble = (macKey: Uint8Array): Uint8Array => {
      const tag = hmacSha256(macKey, encodeFields([aad, iv, ciphertext]));
      const out = new Uint8Array(IV_BYTES + ciphertext.length + TAG_BYTES);
      out.set(iv, 0);
      out.set(ciphertext, IV_BYTES);
      out.set(tag, IV_BYTES + ciphertext.length);
      return out;
    };

    // Forged tag (another MAC key): open must stop at the MAC and never reach the padding check.
    expect(errorCode(() => open(keys, assemble(randomBytes(32)), aad))).toBe('MAC_MISMATCH');
    // Control: the same ciphertext with a correct tag gets past the MAC and fails in decryption,
    // so the assertion above can tell the two orders apart.
    expect(errorCode(() => open(keys, assemble(keys.macKey), aad))).toBe('DECRYPTION_FAILED');
  });

  it('rejects arguments that are not bytes', () => {
    const keys = keysFor('broadcast');
    expect(() => seal(keys, 'text' as unknown as Uint8Array, aad)).toThrow(TypeError);
    expect(() => seal(keys, new Uint8Array(1), 'aad' as unknown as Uint8Array)).toThrow(TypeError);
    expect(() => open(keys, 'sealed' as unknown as Uint8Array, aad)).toThrow(TypeError);
  });
});

describe('deriveSealKeys', () => {
  it('derives different 32-byte encryption and MAC keys', () => {
    const keys = deriveSealKeys(randomBytes(32), 'broadcast');
    expect(keys.encKey).toHaveLength(32);
    expect(keys.macKey).toHaveLength(32);
    expect(hex(keys.encKey)).not.toBe(hex(keys.macKey));
  });

  it('is deterministic for one secret and context, and separates contexts and secrets', () => {
    const secret = randomBytes(32);
    const a = deriveSealKeys(secret, 'group-key');
    expect(hex(deriveSealKeys(secret, 'group-key').encKey)).toBe(hex(a.encKey));
    const b = deriveSealKeys(secret, 'broadcast');
    const c = deriveSealKeys(randomBytes(32), 'group-key');
    for (const other of [b, c]) {
      expect(hex(other.encKey)).not.toBe(hex(a.encKey));
      expect(hex(other.macKey)).not.toBe(hex(a.macKey));
    }
  });

  it('accepts only a 32-byte secret', () => {
    expect(() => deriveSealKeys(randomBytes(31), 'x')).toThrow(RangeError);
    expect(() => deriveSealKeys(randomBytes(33), 'x')).toThrow(RangeError);
    expect(() => deriveSealKeys('0'.repeat(32) as unknown as Uint8Array, 'x')).toThrow(RangeError);
  });

  it('sealWithIv puts the given IV at the head of a box that opens, and takes only 16 bytes', () => {
    const keys = deriveSealKeys(randomBytes(32), 'iv test');
    const iv = randomBytes(16);
    const box = sealWithIv(keys, iv, utf8('group key'), utf8('aad'));
    expect(hex(box.subarray(0, 16))).toBe(hex(iv));
    expect(hex(open(keys, box, utf8('aad')))).toBe(hex(utf8('group key')));
    for (const bad of [randomBytes(15), randomBytes(17), new Uint8Array(0)]) expect(() => sealWithIv(keys, bad, utf8('x'), utf8('a'))).toThrow(RangeError);
  });
});

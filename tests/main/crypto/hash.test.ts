// Known answers for SHA-256, HMAC-SHA-256 and HKDF-SHA-256, each from the document that defines it.
import { hmac as nobleHmac } from '@noble/hashes/hmac.js';
import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js';
import { describe, expect, it } from 'vitest';
import { hkdfSha256, hmacSha256, sha256 } from '../../../src/main/crypto/hash.js';
import { randomBytes } from '../../../src/main/crypto/random.js';
import { hex, utf8 } from './helpers.js';

const filled = (length: number, byte: number): Uint8Array => new Uint8Array(length).fill(byte);
/** Bytes from..to inclusive, as the RFCs write them ("0x000102...0c"). */
const run = (from: number, to: number): Uint8Array => Uint8Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('sha256', () => {
  // NIST, "Cryptographic Standards and Guidelines: Examples with Intermediate Values", SHA256.pdf
  // (the FIPS 180-4 examples), and NIST CAVP SHA256ShortMsg.rsp (Len = 0) for the empty message.
  it.each([
    ['empty message', '', 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'],
    ['"abc" (one block)', 'abc', 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'],
    [
      'the 448-bit message (two blocks)',
      'abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq',
      '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
    ],
  ])('%s', (_label, message, digest) => {
    expect(hex(sha256(utf8(message)))).toBe(digest);
  });

  it('one million "a" (FIPS 180-2 appendix B.3)', () => {
    expect(hex(sha256(filled(1_000_000, 0x61)))).toBe('cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0');
  });

  it('rejects input that is not bytes', () => {
    expect(() => sha256('abc' as unknown as Uint8Array)).toThrow(TypeError);
    expect(() => sha256('abc' as unknown as Uint8Array)).toThrow(/^sha256: data/);
  });
});

describe('hmacSha256', () => {
  // RFC 4231 section 4, test cases 1-7 (HMAC-SHA-256 rows).
  const cases: Array<[string, Uint8Array, Uint8Array, string]> = [
    ['case 1', filled(20, 0x0b), utf8('Hi There'), 'b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7'],
    ['case 2 (key shorter than the output)', utf8('Jefe'), utf8('what do ya want for nothing?'), '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843'],
    ['case 3', filled(20, 0xaa), filled(50, 0xdd), '773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe'],
    ['case 4', run(0x01, 0x19), filled(50, 0xcd), '82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b'],
    [
      'case 6 (key larger than the block)',
      filled(131, 0xaa),
      utf8('Test Using Larger Than Block-Size Key - Hash Key First'),
      '60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54',
    ],
    [
      'case 7 (key and data larger than the block)',
      filled(131, 0xaa),
      utf8(
        'This is a test using a larger than block-size key and a larger than block-size data. ' +
          'The key needs to be hashed before being used by the HMAC algorithm.',
      ),
      '9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2',
    ],
  ];
  it.each(cases)('RFC 4231 %s', (_label, key, data, tag) => {
    expect(hex(hmacSha256(key, data))).toBe(tag);
  });

  it('RFC 4231 case 5 (output truncated to 128 bits)', () => {
    expect(hex(hmacSha256(filled(20, 0x0c), utf8('Test With Truncation')).subarray(0, 16))).toBe('a3b6167473100ee06e0c796c2955552b');
  });

  it('agrees with @noble/hashes hmac on random keys and messages', () => {
    for (let i = 0; i < 50; i++) {
      const key = randomBytes(i * 3); // 0..147 bytes: shorter than, equal to and longer than a block
      const data = randomBytes((i * 37) % 300);
      expect(hex(hmacSha256(key, data))).toBe(hex(nobleHmac(nobleSha256, key, data)));
    }
  });

  it('rejects input that is not bytes', () => {
    expect(() => hmacSha256('k' as unknown as Uint8Array, new Uint8Array(1))).toThrow(TypeError);
    expect(() => hmacSha256(new Uint8Array(1), 'd' as unknown as Uint8Array)).toThrow(TypeError);
  });
});

describe('hkdfSha256', () => {
  // RFC 5869 appendix A, test cases 1-3 (the SHA-256 ones).
  it('RFC 5869 test case 1 (basic)', () => {
    const okm = hkdfSha256(filled(22, 0x0b), run(0x00, 0x0c), run(0xf0, 0xf9), 42);
    expect(hex(okm)).toBe('3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865');
  });

  it('RFC 5869 test case 2 (longer inputs and outputs)', () => {
    const okm = hkdfSha256(run(0x00, 0x4f), run(0x60, 0xaf), run(0xb0, 0xff), 82);
    expect(hex(okm)).toBe(
      'b11e398dc80327a1c8e7f78c596a49344f012eda2d4efad8a050cc4c19afa97c' +
        '59045a99cac7827271cb41c65e590e09da3275600c2f09b8367793a9aca3db71' +
        'cc30c58179ec3e87c14c01d5c1f3434f1d87',
    );
  });

  it('RFC 5869 test case 3 (zero-length salt and info); an absent salt means the same', () => {
    const expected = '8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8';
    expect(hex(hkdfSha256(filled(22, 0x0b), new Uint8Array(0), new Uint8Array(0), 42))).toBe(expected);
    // RFC 5869 section 2.2: a missing salt is HashLen zero bytes, which HMAC pads like an empty key.
    expect(hex(hkdfSha256(filled(22, 0x0b), undefined, new Uint8Array(0), 42))).toBe(expected);
  });

  it('separates outputs by info and is a prefix-consistent stream', () => {
    const ikm = randomBytes(32);
    const a = hkdfSha256(ikm, undefined, utf8('a'), 64);
    expect(hex(hkdfSha256(ikm, undefined, utf8('b'), 64))).not.toBe(hex(a));
    expect(hex(hkdfSha256(ikm, undefined, utf8('a'), 32))).toBe(hex(a.subarray(0, 32)));
  });

  it('checks its arguments', () => {
    const ikm = randomBytes(32);
    const info = new Uint8Array(0);
    expect(() => hkdfSha256(ikm, undefined, info, 0)).toThrow(RangeError);
    expect(() => hkdfSha256(ikm, undefined, info, 255 * 32 + 1)).toThrow(RangeError);
    expect(() => hkdfSha256(ikm, undefined, info, 1.5)).toThrow(RangeError);
    expect(hkdfSha256(ikm, undefined, info, 255 * 32)).toHaveLength(8160);
    expect(() => hkdfSha256('x' as unknown as Uint8Array, undefined, info, 32)).toThrow(TypeError);
    expect(() => hkdfSha256(ikm, 'salt' as unknown as Uint8Array, info, 32)).toThrow(TypeError);
    expect(() => hkdfSha256(ikm, undefined, 'info' as unknown as Uint8Array, 32)).toThrow(TypeError);
  });
});

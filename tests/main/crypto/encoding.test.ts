// The canonical encoding of hashed and signed data: length-prefixed fields, so that field
// boundaries can never shift (the ambiguity of plain concatenation).
import { describe, expect, it } from 'vitest';
import { encodeFields, type Field } from '../../../src/main/crypto/encoding.js';
import { randomBytes } from '../../../src/main/crypto/random.js';
import { hex, utf8 } from './helpers.js';

const enc = (fields: readonly Field[]): string => hex(encodeFields(fields));

/** Test-side decoder: splits an encoding back into its fields' bytes, or throws. */
function decodeFields(bytes: Uint8Array): Uint8Array[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: Uint8Array[] = [];
  let offset = 0;
  while (offset < bytes.length) {
    if (offset + 4 > bytes.length) throw new Error('truncated length');
    const length = view.getUint32(offset);
    if (offset + 4 + length > bytes.length) throw new Error('truncated field');
    out.push(bytes.slice(offset + 4, offset + 4 + length));
    offset += 4 + length;
  }
  return out;
}

describe('encodeFields', () => {
  it('has the documented layout: 4-byte big-endian length, then the bytes', () => {
    // "ab" | 1n as one byte | 7 as an 8-byte integer | 0n as one zero byte | empty bytes
    expect(enc(['ab', 1n, 7, 0n, new Uint8Array(0)])).toBe(
      '00000002' + '6162' + '00000001' + '01' + '00000008' + '0000000000000007' + '00000001' + '00' + '00000000',
    );
    expect(enc([])).toBe('');
    expect(enc([0x0102n])).toBe('00000002' + '0102'); // minimal big-endian bytes
  });

  it.each<[string, Field[], Field[]]>([
    ['shifted string boundary', ['ab', 'c'], ['a', 'bc']],
    ['shifted byte boundary', [utf8('ab'), utf8('c')], [utf8('a'), utf8('bc')]],
    ['no field vs one empty field', [], ['']],
    ['one empty field vs two', [''], ['', '']],
    ['empty field moved', ['', 'a'], ['a', '']],
    ['bigint vs the same value with a leading zero byte', [1n], [Uint8Array.of(0, 1)]],
    ['bigint 0 vs empty bytes', [0n], [new Uint8Array(0)]],
    ['bigint 256 vs two bigints 1, 0', [256n], [1n, 0n]],
    ['number vs bigint of the same value', [7], [7n]],
    ['a length prefix smuggled into a field', ['a', 'b'], ['a\u0000\u0000\u0000\u0001b']],
    ['field list vs its own encoding as one field', ['x', 'y'], [encodeFields(['x', 'y'])]],
  ])('tells apart: %s', (_label, a, b) => {
    expect(enc(a)).not.toBe(enc(b));
  });

  it('decodes back to the field bytes for random field lists (so distinct byte lists never collide)', () => {
    for (let i = 0; i < 200; i++) {
      const fields = Array.from({ length: i % 7 }, (_, j) => randomBytes((i * 13 + j * 7) % 40));
      const decoded = decodeFields(encodeFields(fields));
      expect(decoded.map(hex)).toEqual(fields.map(hex));
    }
  });

  it('fields carry no type tag: each call site fixes the type of each position', () => {
    // Documented behaviour, not a wish: a string and its UTF-8 bytes encode alike, and so do a
    // bigint and its minimal bytes. Hashed and signed tuples therefore use a fixed schema with a
    // domain label first (e.g. 'medchat/elgamal-sig/v1', message bytes, r as fixed-width bytes).
    expect(enc(['a'])).toBe(enc([utf8('a')]));
    expect(enc([0x61n])).toBe(enc([utf8('a')]));
  });

  it('does not copy-alias: later changes to an input do not change an encoding already made', () => {
    const field = utf8('abc');
    const encoded = encodeFields([field]);
    field[0] = 0x7a;
    expect(hex(encoded)).toBe('00000003616263');
  });

  it('rejects negative bigints with RangeError', () => {
    expect(() => encodeFields([-1n])).toThrow(RangeError);
    expect(() => encodeFields(['ok', -(1n << 100n)])).toThrow(/field 1/);
  });

  it.each<[string, unknown]>([
    ['a negative number', -1],
    ['a fraction', 1.5],
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
    ['an unsafe integer', 2 ** 53],
    ['null', null],
    ['undefined', undefined],
    ['a boolean', true],
    ['a plain object', { length: 1 }],
    ['an array of numbers', [1, 2]],
    ['an ArrayBuffer', new ArrayBuffer(4)],
  ])('rejects %s with TypeError', (_label, value) => {
    expect(() => encodeFields([value as Field])).toThrow(TypeError);
  });

  it('accepts the largest safe integer as a number field', () => {
    expect(enc([Number.MAX_SAFE_INTEGER])).toBe('00000008' + '001fffffffffffff');
  });
});

/**
 * Canonical, unambiguous byte encoding for everything that is hashed or signed: each field is a
 * 4-byte big-endian length followed by its bytes, so no two different lists of fields encode
 * alike (unlike plain concatenation, where "ab"+"c" = "a"+"bc").
 *
 * Types are not tagged: the string "a" and the byte 0x61 encode alike. Every encoding in this
 * program opens with a label naming its purpose and version, and each label fixes the type of
 * every field after it, so values of different types never meet in the same position.
 */
import { bigIntToBytes, byteLength } from './bigint.js';

export type Field = Uint8Array | string | bigint | number;

const utf8 = new TextEncoder();

function fieldBytes(field: Field, index: number): Uint8Array {
  if (field instanceof Uint8Array) return field;
  if (typeof field === 'string') return utf8.encode(field);
  if (typeof field === 'bigint') {
    if (field < 0n) throw new RangeError(`encodeFields: field ${index} is a negative bigint`);
    return bigIntToBytes(field, Math.max(1, byteLength(field)));
  }
  if (typeof field === 'number' && Number.isSafeInteger(field) && field >= 0) {
    return bigIntToBytes(BigInt(field), 8);
  }
  throw new TypeError(`encodeFields: field ${index} is not bytes, string, bigint or a non-negative safe integer`);
}

export function encodeFields(fields: readonly Field[]): Uint8Array {
  const parts = fields.map(fieldBytes);
  const total = parts.reduce((sum, part) => sum + 4 + part.length, 0);
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  let offset = 0;
  for (const part of parts) {
    view.setUint32(offset, part.length);
    out.set(part, offset + 4);
    offset += 4 + part.length;
  }
  return out;
}

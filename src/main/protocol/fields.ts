/**
 * Field kinds of the wire format and their validating parsers. Untrusted JSON is parsed into
 * plain records field by field: every field has a kind, every kind a strict check, and a message
 * with a missing, extra or malformed field is refused whole.
 */
import { ID_PATTERN, ID_RULE, PEER_TEXT_MAX_CHARS } from '../../shared/rules.js';

/**
 * The protocol version carried in both hellos (opcode 5). Version 2 labels every HKDF info the
 * same way, encode("medchat/hkdf/v2", purpose); version 1 did not (docs/protocol.md).
 */
export const PROTOCOL_VERSION = 2;
import { ProtocolError } from './errors.js';

export { PEER_TEXT_MAX_CHARS };
const HEX_PATTERN = /^[0-9a-f]{1,1024}$/; // up to 4096 bits: the largest group
const NONCE_PATTERN = /^[0-9a-f]{32}$/;
const DIGEST_PATTERN = /^[0-9a-f]{64}$/;
const B64_PATTERN = /^[A-Za-z0-9+/]*={0,2}$/;
const MAX_B64_CHARS = 60_000;

export type FieldKind = 'id' | 'bigint' | 'uint' | 'time' | 'nonce' | 'digest' | 'bytes' | 'text' | 'version';

export type FieldValue<K extends FieldKind> = K extends 'bigint'
  ? bigint
  : K extends 'uint' | 'time' | 'version'
    ? number
    : K extends 'bytes'
      ? Uint8Array
      : string;

function bad(name: string, why: string): never {
  throw new ProtocolError('BAD_MESSAGE', `${name} ${why}`);
}

export function parseField(kind: FieldKind, name: string, raw: unknown): unknown {
  switch (kind) {
    case 'id':
      if (typeof raw !== 'string' || !ID_PATTERN.test(raw)) bad(name, `must be ${ID_RULE}`);
      return raw;
    case 'bigint':
      if (typeof raw !== 'string' || !HEX_PATTERN.test(raw) || (raw.length > 1 && raw.startsWith('0'))) {
        bad(name, 'must be minimal lower-case hex of at most 4096 bits');
      }
      return BigInt('0x' + raw);
    case 'uint':
      if (typeof raw !== 'number' || !Number.isSafeInteger(raw) || raw < 0) bad(name, 'must be a non-negative integer');
      return raw;
    case 'time':
      if (typeof raw !== 'number' || !Number.isSafeInteger(raw) || raw <= 0) bad(name, 'must be a positive integer (ms since 1970)');
      return raw;
    case 'version':
      if (raw !== PROTOCOL_VERSION) {
        const what = typeof raw === 'number' && Number.isSafeInteger(raw) ? `version ${raw}` : 'an unknown version';
        throw new ProtocolError('UNSUPPORTED_VERSION', `the peer speaks ${what}; this app speaks version ${PROTOCOL_VERSION}`);
      }
      return raw;
    case 'nonce':
      if (typeof raw !== 'string' || !NONCE_PATTERN.test(raw)) bad(name, 'must be 32 lower-case hex characters');
      return raw;
    case 'digest':
      if (typeof raw !== 'string' || !DIGEST_PATTERN.test(raw)) bad(name, 'must be 64 lower-case hex characters');
      return raw;
    case 'bytes': {
      if (typeof raw !== 'string' || raw.length > MAX_B64_CHARS || raw.length % 4 !== 0 || !B64_PATTERN.test(raw)) {
        bad(name, 'must be canonical base64');
      }
      const bytes = Buffer.from(raw, 'base64');
      if (bytes.toString('base64') !== raw) bad(name, 'must be canonical base64');
      return new Uint8Array(bytes);
    }
    case 'text':
      if (typeof raw !== 'string' || raw.length > PEER_TEXT_MAX_CHARS) bad(name, `must be text of at most ${PEER_TEXT_MAX_CHARS} characters`);
      return raw;
  }
}

export function formatField(kind: FieldKind, value: unknown): unknown {
  switch (kind) {
    case 'bigint':
      return (value as bigint).toString(16);
    case 'bytes':
      // A view, not a copy: the bytes are only read.
      return Buffer.from((value as Uint8Array).buffer, (value as Uint8Array).byteOffset, (value as Uint8Array).byteLength).toString('base64');
    default:
      return value;
  }
}

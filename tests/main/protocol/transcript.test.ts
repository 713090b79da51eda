import { describe, expect, it } from 'vitest';
import { sha256 } from '../../../src/main/crypto/hash.js';
import { FFDHE2048 } from '../../../src/main/crypto/groups.js';
import {
  deriveSessionKey,
  groupIdOf,
  keyExchangeTranscript,
  keyFingerprint,
  sessionTokenTranscript,
  sessionVerifier,
} from '../../../src/main/protocol/index.js';
import { FINGERPRINT_PATTERN } from '../../../src/shared/rules.js';

const ctx = { patientId: 'alice', doctorId: 'doctor', p: FFDHE2048.p, g: 2n, patientY: 12345n, doctorY: 67890n };
const msg = { ts: 1000, rn: 'aa'.repeat(16), c1: 5n, c2: 6n };
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

describe('transcripts', () => {
  it('change when any bound field changes: ids, group, keys, freshness, ciphertext', () => {
    const base = hex(keyExchangeTranscript(ctx, msg));
    const variants = [
      keyExchangeTranscript({ ...ctx, patientId: 'alicf' }, msg),
      keyExchangeTranscript({ ...ctx, doctorId: 'doctoR' }, msg),
      keyExchangeTranscript({ ...ctx, g: 4n }, msg),
      keyExchangeTranscript({ ...ctx, patientY: 12346n }, msg),
      keyExchangeTranscript({ ...ctx, doctorY: 67891n }, msg),
      keyExchangeTranscript(ctx, { ...msg, ts: 1001 }),
      keyExchangeTranscript(ctx, { ...msg, rn: 'ab'.repeat(16) }),
      keyExchangeTranscript(ctx, { ...msg, c1: 6n, c2: 5n }),
    ].map(hex);
    expect(new Set([base, ...variants]).size).toBe(variants.length + 1);
  });

  it('separates opcode 10 from opcode 20 and binds the patient nonce into 20', () => {
    const t10 = hex(keyExchangeTranscript(ctx, msg));
    const t20 = hex(sessionTokenTranscript(ctx, msg, msg));
    const t20other = hex(sessionTokenTranscript(ctx, { ts: msg.ts, rn: 'bb'.repeat(16) }, msg));
    expect(new Set([t10, t20, t20other]).size).toBe(3);
  });

  it('derives different session keys and verifiers for different inputs', () => {
    const a = deriveSessionKey(sha256, ctx, 42n, { ts: 1, rn: 'aa'.repeat(16) }, { ts: 2, rn: 'bb'.repeat(16) });
    const b = deriveSessionKey(sha256, ctx, 43n, { ts: 1, rn: 'aa'.repeat(16) }, { ts: 2, rn: 'bb'.repeat(16) });
    const c = deriveSessionKey(sha256, ctx, 42n, { ts: 1, rn: 'aa'.repeat(16) }, { ts: 3, rn: 'bb'.repeat(16) });
    expect(a).toHaveLength(32);
    expect(new Set([hex(a), hex(b), hex(c)]).size).toBe(3);
    expect(hex(sessionVerifier(sha256, a, 10))).not.toBe(hex(sessionVerifier(sha256, a, 11)));
  });

  it('prints fingerprints as six groups of five digits and group ids as 32 hex digits', () => {
    const fp = keyFingerprint(sha256, FFDHE2048.p, 2n, 12345n);
    expect(fp).toMatch(FINGERPRINT_PATTERN);
    expect(keyFingerprint(sha256, FFDHE2048.p, 2n, 12346n)).not.toBe(fp);
    expect(groupIdOf(sha256, FFDHE2048.p, 2n)).toMatch(/^[0-9a-f]{32}$/);
    expect(groupIdOf(sha256, FFDHE2048.p, 4n)).not.toBe(groupIdOf(sha256, FFDHE2048.p, 2n));
  });
});

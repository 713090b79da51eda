/**
 * One rule, every layer: the wire codec, the store and the key vaults apply the rules of
 * src/shared/rules.ts, so a value one layer accepts is never refused by the next.
 */
import { describe, expect, it } from 'vitest';
import { parseField, DISCONNECT_REASONS, disconnectMessage, MAX_FRAME_BYTES as PROTOCOL_FRAME_CAP } from '../../src/main/protocol/index.js';
import { checkGroupId, checkId, checkPattern } from '../../src/main/store/validate.js';
import { AUDIT_MAX_LIMIT } from '../../src/main/store/index.js';
import {
  AUDIT_KIND_PATTERN,
  AUDIT_QUERY_MAX_LIMIT,
  GROUP_ID_PATTERN,
  ID_PATTERN,
  MAX_FRAME_BYTES,
  PEER_TEXT_MAX_CHARS,
} from '../../src/shared/rules.js';

const accepts = (f: () => unknown): boolean => {
  try {
    f();
    return true;
  } catch {
    return false;
  }
};

describe('shared rules', () => {
  it('an id passes the wire exactly when it passes the store', () => {
    for (const id of ['alice', 'dr.bob@clinic.example', 'p_1-2', 'x'.repeat(64), 'x'.repeat(65), '', 'a b', 'a:b', 'ä', 'a\n']) {
      const rule = ID_PATTERN.test(id);
      expect(accepts(() => parseField('id', 'patientId', id)), id).toBe(rule);
      expect(accepts(() => checkId(id, 'id')), id).toBe(rule);
    }
  });

  it('group ids are their own rule: what groupIdOf makes, without the "@" of a person\'s id', () => {
    expect(GROUP_ID_PATTERN.test('0123456789abcdef0123456789abcdef')).toBe(true);
    expect(GROUP_ID_PATTERN.test('a@b')).toBe(false);
    expect(accepts(() => checkGroupId('a@b', 'g'))).toBe(false);
  });

  it('audit kinds: the store checks the shared pattern', () => {
    for (const kind of ['admitted', 'key-change', 'Join', '1x', 'a'.repeat(40), 'a'.repeat(41)]) {
      expect(accepts(() => checkPattern(kind, 'kind', AUDIT_KIND_PATTERN, 'rule')), kind).toBe(AUDIT_KIND_PATTERN.test(kind));
    }
  });

  it('limits: frame cap, peer text and the audit query limit come from one place', () => {
    expect(PROTOCOL_FRAME_CAP).toBe(MAX_FRAME_BYTES);
    expect(DISCONNECT_REASONS.FRAME_TOO_LARGE).toContain(`${MAX_FRAME_BYTES / 1024} KiB`);
    expect(accepts(() => parseField('text', 'reason', 'x'.repeat(PEER_TEXT_MAX_CHARS)))).toBe(true);
    expect(accepts(() => parseField('text', 'reason', 'x'.repeat(PEER_TEXT_MAX_CHARS + 1)))).toBe(false);
    expect(disconnectMessage('BAD_GROUP', 'x'.repeat(2000)).reason).toHaveLength(PEER_TEXT_MAX_CHARS);
    expect(AUDIT_MAX_LIMIT).toBe(AUDIT_QUERY_MAX_LIMIT);
  });
});

import { describe, expect, it } from 'vitest';
import { checkGroupId, checkId, checkInteger, cleanText } from '../../../src/main/store/validate.js';
import { expectStoreError } from './helpers.js';

describe('validate', () => {
  it('accepts ids of 1-64 allowed characters only', () => {
    expect(checkId('patient-1@clinic.example_2', 'id')).toBe('patient-1@clinic.example_2');
    expect(checkId('x'.repeat(64), 'id')).toHaveLength(64);
    for (const bad of ['', 'x'.repeat(65), 'a b', 'a/b', "a'b", 'ä', 'a\n', 42, null]) {
      expectStoreError(() => checkId(bad, 'test: id'), 'BAD_INPUT', /^test: id must be 1 to 64 letters, digits or _ \. @ -\.$/);
    }
  });

  it('accepts group ids (groupIdOf hex, standard names) and nothing an id of a person adds', () => {
    for (const good of ['0123456789abcdef0123456789abcdef', 'ffdhe2048', 'custom-1', 'x'.repeat(64)]) expect(checkGroupId(good, 'g')).toBe(good);
    for (const bad of ['', 'x'.repeat(65), 'a@b', 'a:b', 'a b', 42]) {
      expectStoreError(() => checkGroupId(bad, 'test: groupId'), 'BAD_INPUT', /^test: groupId must be 1 to 64 letters, digits or _ \. -\.$/);
    }
  });

  it('does not echo the rejected value', () => {
    const error = expectStoreError(() => checkId('<script>secret</script>', 'test: id'), 'BAD_INPUT');
    expect(error.message).not.toContain('secret');
  });

  it('checks integers against their range', () => {
    expect(checkInteger(5, 'n', 1, 10)).toBe(5);
    for (const bad of [0, 11, 1.5, Number.NaN, '5', 2 ** 53]) {
      expectStoreError(() => checkInteger(bad, 'n', 1, 10), 'BAD_INPUT', /^n must be a whole number from 1 to 10/);
    }
  });

  it('cleans control characters, bidi overrides and lone surrogates, keeping real text', () => {
    expect(cleanText('naïve 👩‍⚕️ ok\tline\nnext', 'text', 100)).toBe('naïve 👩‍⚕️ ok\tline\nnext');
    expect(cleanText('\u0000a\u007fb\u009bc\u2066d\uD800e', 'text', 100)).toBe('\uFFFDa\uFFFDb\uFFFDc\uFFFDd\uFFFDe');
    expectStoreError(() => cleanText('abc', 'text', 2), 'BAD_INPUT', /at most 2 characters/);
  });
});

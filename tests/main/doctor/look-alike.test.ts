import { describe, expect, it } from 'vitest';
import { ID_PROTOTYPES, LookAlikeIndex, idSkeleton, lookAlikeKeys } from '../../../src/main/doctor/look-alike.js';

/**
 * The lines of confusables.txt (UTS #39, Version 17.0.0; identical in 16.0.0) whose source is in
 * the id alphabet, copied verbatim with their tabs. Each must be exactly one table entry.
 */
const SOURCE_LINES = [
  '0030 ;\t004F ;\tMA\t# ( 0 → O ) DIGIT ZERO → LATIN CAPITAL LETTER O\t# ',
  '0031 ;\t006C ;\tMA\t# ( 1 → l ) DIGIT ONE → LATIN SMALL LETTER L\t# ',
  '0049 ;\t006C ;\tMA\t# ( I → l ) LATIN CAPITAL LETTER I → LATIN SMALL LETTER L\t# ',
  '006D ;\t0072 006E ;\tMA\t# ( m → rn ) LATIN SMALL LETTER M → LATIN SMALL LETTER R, LATIN SMALL LETTER N\t# ',
];
const ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.@-';

const fromHex = (codes: string): string =>
  codes.trim().split(/\s+/).map((hex) => String.fromCodePoint(parseInt(hex, 16))).join('');

function parseLine(line: string): [string, string] {
  const [source, prototype, type] = line.split(';').map((f) => f.trim());
  expect(type?.startsWith('MA')).toBe(true);
  return [fromHex(source!), fromHex(prototype!)];
}

type Pair = [string, string];

const shareKey = (a: string, b: string): boolean => lookAlikeKeys(a).some((k) => lookAlikeKeys(b).includes(k));

describe('idSkeleton: the confusables.txt table', () => {
  it.each(SOURCE_LINES)('maps as the source line says: %s', (line) => {
    const [source, prototype] = parseLine(line);
    expect(ID_ALPHABET).toContain(source);
    expect(ID_PROTOTYPES.get(source)).toBe(prototype);
    expect(idSkeleton(source)).toBe(prototype);
  });

  it('has exactly the cited entries, and leaves every other id character alone', () => {
    expect([...ID_PROTOTYPES].sort()).toEqual(SOURCE_LINES.map(parseLine).sort());
    for (const ch of ID_ALPHABET) if (!ID_PROTOTYPES.has(ch)) expect(idSkeleton(ch)).toBe(ch);
  });

  it('is idempotent: no prototype is itself a source', () => {
    for (const prototype of ID_PROTOTYPES.values()) expect(idSkeleton(prototype)).toBe(prototype);
    for (const id of ['aIice', 'a1ice', 'rnary', 'mary', 'B0B', 'Im1O0']) expect(idSkeleton(idSkeleton(id))).toBe(idSkeleton(id));
  });

  it('skeletons whole ids', () => {
    expect(idSkeleton('aIice')).toBe('alice');
    expect(idSkeleton('a1ice')).toBe('alice');
    expect(idSkeleton('alice')).toBe('alice');
    expect(idSkeleton('mary')).toBe('rnary');
    expect(idSkeleton('B0B')).toBe('BOB');
    expect(idSkeleton('j.doe_7@clinic-1')).toBe('j.doe_7@clinic-l');
  });
});

describe('lookAlikeKeys', () => {
  it.each(['aIice', 'Alice', 'a1ice', 'ALICE', 'AIice', 'A1ICE'])('%s shares a key with alice', (id) => {
    expect(shareKey(id, 'alice')).toBe(true);
  });

  it('catches rn / m in either case', () => {
    for (const [a, b] of [['rnary', 'mary'], ['rnary', 'MARY'], ['RNARY', 'mary'], ['drno', 'dmo']] as Pair[]) expect(shareKey(a, b)).toBe(true);
  });

  it('catches digit zero against capital and small O', () => {
    for (const [a, b] of [['B0B', 'BOB'], ['b0b', 'bOb'], ['b0b', 'bob'], ['b0b', 'BOB'], ['r0se', 'rose'], ['j0hn', 'JOHN']] as Pair[]) {
      expect(shareKey(a, b)).toBe(true);
    }
  });

  it('needs both orders of folding and skeleton', () => {
    // Skeleton before folding: folding first turns I into i, which has no prototype.
    expect(lookAlikeKeys('aIice')).toContain(idSkeleton('aIice'));
    expect(idSkeleton('aIice'.toLowerCase())).toBe('aiice');
    expect(shareKey('aIice', 'alice')).toBe(true);
    // Skeleton after folding: capital M has no prototype, small m maps to rn.
    expect(idSkeleton('MARY')).toBe('MARY');
    expect(idSkeleton('MARY'.toLowerCase())).toBe('rnary');
    expect(shareKey('MARY', 'rnary')).toBe(true);
    // Folding after skeleton: 0 maps to a capital O.
    expect(idSkeleton('b0b')).toBe('bOb');
    expect(idSkeleton('b0b').toLowerCase()).toBe('bob');
    expect(shareKey('b0b', 'bob')).toBe(true);
  });

  it('does not match different ids', () => {
    for (const [a, b] of [['alice', 'alicia'], ['bob', 'bob2'], ['alice', 'allce'], ['alice', 'alice.'], ['mary', 'marry'], ['rn', 'n'], ['bob', 'b-o-b']] as Pair[]) {
      expect(shareKey(a, b)).toBe(false);
    }
  });

  it('leaves out skeleton(upper(id)), which would make i a look-alike of l and 1', () => {
    const withUpper = (id: string): string[] => [...lookAlikeKeys(id), idSkeleton(id.toUpperCase())];
    for (const [a, b] of [['ii', 'll'], ['aiice', 'a1ice'], ['i', 'l'], ['i', '1']] as Pair[]) {
      expect(withUpper(a).some((k) => withUpper(b).includes(k))).toBe(true);
      expect(shareKey(a, b)).toBe(false);
    }
    // ...while the pair it was meant for, 0 against small o, is found without it.
    expect(shareKey('b0b', 'bob')).toBe(true);
  });

  it('is not transitive: alice ~ ALICE ~ ALlCE, but not alice ~ allce', () => {
    expect(shareKey('alice', 'ALICE')).toBe(true);
    expect(shareKey('ALICE', 'ALlCE')).toBe(true);
    expect(shareKey('ALlCE', 'allce')).toBe(true);
    expect(shareKey('alice', 'allce')).toBe(false);
  });

  it('lists each key once', () => {
    expect(lookAlikeKeys('alice')).toEqual(['alice']);
    expect(new Set(lookAlikeKeys('B0B')).size).toBe(lookAlikeKeys('B0B').length);
  });
});

describe('LookAlikeIndex', () => {
  it('returns the other look-alikes, sorted and once each, never the id itself', () => {
    const index = new LookAlikeIndex();
    for (const id of ['alice', 'Alice', 'a1ice', 'bob', 'alicia']) index.add(id);
    expect(index.similarTo('aIice')).toEqual(['Alice', 'a1ice', 'alice']);
    expect(index.similarTo('alice')).toEqual(['Alice', 'a1ice']);
    expect(index.similarTo('bob')).toEqual([]);
    expect(index.similarTo('carol')).toEqual([]);
  });

  it('counts references: an id stays until its last remove', () => {
    const index = new LookAlikeIndex();
    index.add('alice'); // pinned
    index.add('alice'); // and connected
    expect(index.size).toBe(1);
    expect(index.remove('alice')).toBe(true);
    expect(index.has('alice')).toBe(true);
    expect(index.similarTo('a1ice')).toEqual(['alice']);
    expect(index.remove('alice')).toBe(true);
    expect(index.has('alice')).toBe(false);
    expect(index.similarTo('a1ice')).toEqual([]);
    expect(index.remove('alice')).toBe(false);
    index.add('alice');
    expect(index.similarTo('a1ice')).toEqual(['alice']);
  });

  it('removing one look-alike keeps the others that share its keys', () => {
    const index = new LookAlikeIndex();
    for (const id of ['alice', 'a1ice', 'aIice']) index.add(id);
    index.remove('a1ice');
    expect(index.similarTo('alice')).toEqual(['aIice']);
    expect(index.similarTo('a1ice')).toEqual(['aIice', 'alice']);
    index.remove('aIice');
    index.remove('alice');
    expect(index.size).toBe(0);
    expect(index.similarTo('alice')).toEqual([]);
  });

  it('handles 100,000 ids', () => {
    const index = new LookAlikeIndex();
    const started = performance.now();
    for (let i = 0; i < 100_000; i++) index.add(`patient-${i.toString(36)}`);
    expect(index.size).toBe(100_000);
    // Base-36 suffixes: 10, 1o, l0 and lo are all there, and all read as lO.
    expect(index.similarTo('patient-lO')).toEqual(['patient-10', 'patient-1o', 'patient-l0', 'patient-lo']);
    for (let i = 0; i < 100_000; i++) index.similarTo(`patient-${i.toString(36)}`);
    for (let i = 0; i < 100_000; i++) index.remove(`patient-${i.toString(36)}`);
    expect(index.size).toBe(0);
    expect(performance.now() - started).toBeLessThan(20_000);
  });
});

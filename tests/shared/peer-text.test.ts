import { describe, expect, it } from 'vitest';
import { inertText, printableLine, quotePeerText } from '../../src/shared/peer-text.js';

describe('inertText', () => {
  it.each([
    ['newline', 'a\nb', 'a\\nb'],
    ['carriage return', 'a\rb', 'a\\rb'],
    ['tab', 'a\tb', 'a\\tb'],
    ['ESC sequence', '\x1b[2Jcleared', '\\u{001B}[2Jcleared'],
    ['NUL and DEL', '\0\x7f', '\\u{0000}\\u{007F}'],
    ['C1 next line U+0085', 'a\x85b', 'a\\u{0085}b'],
    ['C1 CSI U+009B', '\x9b2J', '\\u{009B}2J'],
    ['right-to-left override U+202E', 'abc\u202Etxt.exe', 'abc\\u{202E}txt.exe'],
    ['left-to-right embedding U+202A', '\u202Ax', '\\u{202A}x'],
    ['pop directional formatting U+202C', 'x\u202C', 'x\\u{202C}'],
    ['left-to-right isolate U+2066', '\u2066x\u2069', '\\u{2066}x\\u{2069}'],
    ['first strong isolate U+2068', '\u2068', '\\u{2068}'],
    ['right-to-left mark U+200F', '\u200F', '\\u{200F}'],
    ['line separator U+2028', 'a\u2028b', 'a\\u{2028}b'],
    ['paragraph separator U+2029', 'a\u2029b', 'a\\u{2029}b'],
    ['byte order mark U+FEFF', '\uFEFFok', '\\u{FEFF}ok'],
    ['zero-width space U+200B', 'pin\u200Bned', 'pin\\u{200B}ned'],
    ['zero-width joiner U+200D', 'a\u200Db', 'a\\u{200D}b'],
    ['zero-width non-joiner U+200C', 'a\u200Cb', 'a\\u{200C}b'],
    ['soft hyphen U+00AD', 'a\u00ADb', 'a\\u{00AD}b'],
    ['tag character U+E0041', 'a\u{E0041}', 'a\\u{E0041}'],
    ['lone high surrogate', 'x\ud800y', 'x\\u{D800}y'],
    ['lone low surrogate', '\udc00', '\\u{DC00}'],
    ['private use U+E000', '\uE000', '\\u{E000}'],
    ['noncharacter U+FFFF', '\uFFFF', '\\u{FFFF}'],
    ['backslash', 'C:\\n', 'C:\\\\n'],
  ])('escapes %s', (_name, input, expected) => {
    expect(inertText(input)).toBe(expected);
  });

  it('keeps a faked console line on one visible line', () => {
    const fake = 'bye\n[admitted] mallory (127.0.0.1:4000): pinned key';
    const inert = inertText(fake);
    expect(inert).not.toMatch(/[\n\r]/);
    expect(inert).toBe('bye\\n[admitted] mallory (127.0.0.1:4000): pinned key');
  });

  it.each([
    ['ASCII', 'The doctor ended the conference. (code 7, 50%)'],
    ['Latin with accents', 'Grüße, señora Ångström — café'],
    ['Hebrew', 'שלום, הרופא כאן'],
    ['Arabic', 'مرحبا بالمريض'],
    ['CJK', '医生结束了会议。診察室'],
    ['emoji', 'ok 👍 🩺 😀'],
    ['quotes and punctuation', `it's "fine" <b>&amp;</b>`],
  ])('leaves %s unchanged', (_name, text) => {
    expect(inertText(text)).toBe(text);
  });

  it('cuts before escaping, by code points, with a trailing marker', () => {
    expect(inertText('abcdef', 3)).toBe('abc…');
    expect(inertText('abc', 3)).toBe('abc');
    expect(inertText('😀😀😀', 2)).toBe('😀😀…');
    // The cut counts characters of the original: four newlines kept, each escaped.
    expect(inertText('\n'.repeat(10), 4)).toBe('\\n'.repeat(4) + '…');
    expect(inertText('x'.repeat(500))).toBe('x'.repeat(200) + '…');
    expect(inertText('x'.repeat(500), Infinity)).toBe('x'.repeat(500));
  });
});

describe('quotePeerText', () => {
  it('always quotes, escaping quotes, backslashes and controls', () => {
    expect(quotePeerText('hello')).toBe('"hello"');
    expect(quotePeerText('')).toBe('""');
    expect(quotePeerText('say "hi"')).toBe('"say \\"hi\\""');
    expect(quotePeerText('end\\"')).toBe('"end\\\\\\""');
    expect(quotePeerText('a\nb\u202E')).toBe('"a\\nb\\u{202E}"');
  });

  it('cuts inside the quotes', () => {
    expect(quotePeerText('abcdef', 4)).toBe('"abcd…"');
  });
});

describe('printableLine', () => {
  it('escapes controls, format characters and separators in a composed line', () => {
    expect(printableLine('[message #1] hi\n[disconnected] fake')).toBe('[message #1] hi\\n[disconnected] fake');
    expect(printableLine('a\r\tb\x1b[2J\x85')).toBe('a\\r\\tb\\u{001B}[2J\\u{0085}');
    expect(printableLine('x\u202Ey\u2066z\u2028\u2029\uFEFF\u200B\u200D')).toBe('x\\u{202E}y\\u{2066}z\\u{2028}\\u{2029}\\u{FEFF}\\u{200B}\\u{200D}');
  });

  it('leaves ordinary text alone, backslashes and quotes included', () => {
    for (const text of ['[admitted] alice (127.0.0.1:5000): first use', 'Grüße שלום مرحبا 漢字 👍', 'C:\\data "quoted"', 'Doctor key: 12345 67890 (matches the pinned key)']) {
      expect(printableLine(text)).toBe(text);
    }
  });
});

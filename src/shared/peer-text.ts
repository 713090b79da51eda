/**
 * Text a peer chose (an opcode 60 code or reason, an opcode 80 reason, an opcode 70 status, any
 * string from the wire) made inert before it reaches a console, the audit log, a CSV export or
 * the UI: line breaks, tabs, terminal escape sequences, bidi overrides, zero-width and other
 * invisible characters become visible escapes, so a peer cannot print a line that looks like the
 * program's own ("[admitted] mallory ... pinned key"), reorder what a person reads, or hide text.
 *
 * Pure (no Node, no DOM): shared by the main process and the renderer.
 */

/**
 * Characters escaped by inertText: controls (Cc, incl. C1 such as U+0085 and ESC), format
 * characters (Cf: bidi embeddings, overrides and isolates, zero-width space and joiners, BOM,
 * soft hyphen, tag characters), line and paragraph separators (Zl, Zp), private use (Co), lone
 * surrogates (Cs; with the `u` flag a lone surrogate is one code point) and unassigned code
 * points (Cn, including the noncharacters U+FFFE and U+FFFF), and the backslash itself, so that
 * every escape is unambiguous.
 */
const INERT_ESCAPED = /[\\\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Co}\p{Cs}\p{Cn}]/gu;

/** What printableLine escapes in an already composed line: controls, format, separators and lone surrogates. */
const LINE_ESCAPED = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/gu;

const NAMED: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t', '\\': '\\\\', '"': '\\"' };

/** `\n`, `\r`, `\t`, `\\`, `\"`, else `\u{...}` with the code point in upper-case hex, at least four digits (`\u{202E}`). */
function escapeChar(char: string): string {
  const named = NAMED[char];
  if (named !== undefined) return named;
  const code = char.codePointAt(0) ?? 0;
  return `\\u{${code.toString(16).toUpperCase().padStart(4, '0')}}`;
}

/**
 * The first `maxChars` code points of `value`, with a trailing `…` when it was cut. Counting
 * code points (not UTF-16 units) never splits a surrogate pair into two lone halves.
 */
function truncate(value: string, maxChars: number): string {
  if (!(maxChars >= 0)) maxChars = 0;
  if (value.length <= maxChars) return value; // UTF-16 length >= code points: nothing to cut
  let count = 0;
  let end = 0;
  for (const char of value) {
    if (count === maxChars) return value.slice(0, end) + '…';
    count += 1;
    end += char.length;
  }
  return value;
}

/**
 * Peer text made inert: every control, format, line/paragraph separator, private-use,
 * lone-surrogate or unassigned character becomes a visible escape (`\n`, `\r`, `\t`, else
 * `\u{202E}` and the like), and a backslash becomes `\\`. Letters of every script, digits, punctuation,
 * spaces and emoji are left as they are.
 *
 * The text is cut to `maxChars` code points (with a trailing `…` when cut) BEFORE escaping, so
 * the result can be longer than `maxChars` (an escape is up to 10 characters). Pass `Infinity`
 * to escape without cutting.
 */
export function inertText(value: string, maxChars = 200): string {
  return truncate(String(value), maxChars).replace(INERT_ESCAPED, escapeChar);
}

/**
 * Peer text always shown as a quotation: `"` + inertText(value) with `"` also escaped + `"`, so
 * it can never pose as the program's own words, however it is worded.
 */
export function quotePeerText(value: string, maxChars = 200): string {
  return '"' + inertText(value, maxChars).replace(/"/g, '\\"') + '"';
}

/**
 * A line about to be printed by a console printer, with controls, format characters and
 * line/paragraph separators escaped (defence in depth behind inertText: whatever a composed
 * line carries, it stays one line and cannot drive the terminal). Ordinary text, non-ASCII
 * letters, backslashes and quotes are left alone.
 */
export function printableLine(value: string): string {
  return String(value).replace(LINE_ESCAPED, escapeChar);
}

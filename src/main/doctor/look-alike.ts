/**
 * Look-alike patient ids (issue: `aIice`, `Alice` and `a1ice` were admitted beside `alice` as
 * different patients, and the doctor could not tell them apart). Pure: no I/O.
 *
 * Ids on the wire match ID_PATTERN (src/shared/rules.ts): 1-64 characters of `A-Z a-z 0-9 _ . @ -`.
 * So only the UTS #39 confusables whose SOURCE is one of those 66 characters matter here.
 *
 * Prototype table: every line of confusables.txt whose source is in the id alphabet. There are
 * exactly four. Taken from Unicode's confusables.txt, "Unicode Security Mechanisms for UTS #39",
 * Version 17.0.0 (file dated 2025-07-22), line numbers as in that file. The copy read was vendored
 * in github.com/aiartlord/unicode-lean, Unicode/Ucd/confusables.txt (sha256 091c7f82…10d13ef22a).
 * The same four lines are in Version 16.0.0 (2024-05-31, vendored by unicode-org/icu at
 * icu4c/source/data/unidata/confusables.txt) and in Version 14.0.0, and those are all the ASCII
 * id-alphabet sources in both 17.0.0 and 14.0.0 (the file was searched, not sampled).
 *
 *   source      prototype        line  confusables.txt line, verbatim (tabs shown as spaces)
 *   0030 '0' -> 004F 'O'         3036  0030 ;  004F ;  MA  # ( 0 → O ) DIGIT ZERO → LATIN CAPITAL LETTER O  #
 *   0031 '1' -> 006C 'l'         2593  0031 ;  006C ;  MA  # ( 1 → l ) DIGIT ONE → LATIN SMALL LETTER L  #
 *   0049 'I' -> 006C 'l'         2605  0049 ;  006C ;  MA  # ( I → l ) LATIN CAPITAL LETTER I → LATIN SMALL LETTER L  #
 *   006D 'm' -> 0072 006E 'rn'   3427  006D ;  0072 006E ;  MA  # ( m → rn ) LATIN SMALL LETTER M → LATIN SMALL LETTER R, LATIN SMALL LETTER N  #
 *
 * Not in the file, so not here: `rn` is not a source (sources are single characters: the pair is
 * caught because `m` maps to `rn`), nor `vv`/`w`, `cl`/`d`, `5`/`S`, `8`/`B`, `o`/`0` or `l`/`I`
 * as sources. The other ASCII sources in the file (` → ', " → '', | → l, % → º/₀) are outside the
 * id alphabet. No prototype above is itself a source, so one pass is the whole skeleton.
 *
 * Characters outside the id alphabet pass through idSkeleton unchanged: for them this is NOT the
 * full UTS #39 skeleton (ID_PATTERN refuses them before they get here).
 */

/** Prototype of each id-alphabet character that confusables.txt maps (see the table above). */
export const ID_PROTOTYPES: ReadonlyMap<string, string> = new Map([
  ['0', 'O'], // 0030 ;	004F ;	MA	# ( 0 → O ) DIGIT ZERO → LATIN CAPITAL LETTER O
  ['1', 'l'], // 0031 ;	006C ;	MA	# ( 1 → l ) DIGIT ONE → LATIN SMALL LETTER L
  ['I', 'l'], // 0049 ;	006C ;	MA	# ( I → l ) LATIN CAPITAL LETTER I → LATIN SMALL LETTER L
  ['m', 'rn'], // 006D ;	0072 006E ;	MA	# ( m → rn ) LATIN SMALL LETTER M → LATIN SMALL LETTER R, LATIN SMALL LETTER N
]);

/** UTS #39 skeleton(X) restricted to the id alphabet: NFD, map each character to its prototype, NFD. */
export function idSkeleton(id: string): string {
  let mapped = '';
  // NFD is a no-op on ASCII; kept so the function is the standard's skeleton, not a look-alike of it.
  for (const ch of id.normalize('NFD')) mapped += ID_PROTOTYPES.get(ch) ?? ch;
  return mapped.normalize('NFD');
}

/**
 * The forms under which a person may read `id`; two ids are look-alikes when they share any.
 *
 *  - lower(id): ids differing only in case (`Alice`, `ALICE` vs `alice`).
 *  - skeleton(id), on the id as typed: `aIice` → `alice`. Case folding first would lose this,
 *    because it turns `I` into `i`, and `i` has no prototype.
 *  - skeleton(lower(id)): `m` only has a prototype in lower case, so `MARY` reads as `mary` and
 *    thus as `rnary`; skeleton(`MARY`) keeps the capital `M`, which has none.
 *  - lower(skeleton(id)): `0` maps to a CAPITAL `O`, so skeleton(`b0b`) = `bOb` and only folding
 *    after it meets `bob`.
 *
 * The two uppercase-only mappings are `I → l` (uppercase source, covered by skeleton(id)) and
 * `0 → O` (uppercase prototype, covered by lower(skeleton(id))). skeleton(upper(id)) was
 * considered for the second and left out: it also finds `b0b`/`bob`, but upper-casing turns every
 * `i` into `I` and so into `l`, which makes `ii` a look-alike of `ll` and `aiice` of `a1ice`,
 * pairs confusables.txt does not support (`i` is no source in it). Among one-character ids,
 * lower(skeleton(id)) adds exactly one look-alike pair to the other three keys (`0`/`o`), where
 * skeleton(upper(id)) would add four (`0`/`o`, `1`/`i`, `L`/`i`, `i`/`l`).
 *
 * "Shares any key" is deliberately not transitive: `alice` ~ `ALICE` (case) and `ALICE` ~
 * `ALlCE` (I → l), yet `alice` and `allce` are not look-alikes. One canonical form would have to
 * merge them.
 */
export function lookAlikeKeys(id: string): string[] {
  const lower = id.toLowerCase();
  const skeleton = idSkeleton(id);
  return [...new Set([lower, skeleton, idSkeleton(lower), skeleton.toLowerCase()])];
}

/**
 * Pinned and connected ids, indexed by their look-alike keys. An id can be in the index for more
 * than one reason (pinned and connected, or two sessions): add and remove are counted, and the id
 * leaves the index at its last remove. A call costs O(keys of the id), plus sorting the answer.
 */
export class LookAlikeIndex {
  /** How many times each present id was added, minus removes. */
  private readonly refs = new Map<string, number>();
  /** key → the present ids having that key. */
  private readonly byKey = new Map<string, Set<string>>();

  /** Number of distinct ids present. */
  get size(): number {
    return this.refs.size;
  }

  has(id: string): boolean {
    return this.refs.has(id);
  }

  add(id: string): void {
    const count = this.refs.get(id) ?? 0;
    this.refs.set(id, count + 1);
    if (count > 0) return;
    for (const key of lookAlikeKeys(id)) {
      let ids = this.byKey.get(key);
      if (!ids) this.byKey.set(key, (ids = new Set()));
      ids.add(id);
    }
  }

  /** Drops one reference to `id`; false when it was not present. */
  remove(id: string): boolean {
    const count = this.refs.get(id);
    if (count === undefined) return false;
    if (count > 1) {
      this.refs.set(id, count - 1);
      return true;
    }
    this.refs.delete(id);
    for (const key of lookAlikeKeys(id)) {
      const ids = this.byKey.get(key);
      if (!ids) continue;
      ids.delete(id);
      if (ids.size === 0) this.byKey.delete(key);
    }
    return true;
  }

  /** The other present ids that share a key with `id` (present or not), sorted, each once. */
  similarTo(id: string): string[] {
    const found = new Set<string>();
    for (const key of lookAlikeKeys(id)) {
      for (const other of this.byKey.get(key) ?? []) if (other !== id) found.add(other);
    }
    return [...found].sort();
  }
}

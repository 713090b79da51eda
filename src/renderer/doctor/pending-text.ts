/**
 * Renderer process. What a request waiting for the doctor says, per kind: a newcomer, a key change
 * for a pinned id (a possible impersonation) or an id that looks like another. Pure, so the wording
 * and the character-by-character comparison of look-alike ids can be tested without a DOM.
 */
import type { PendingApproval } from '../../shared/contract.js';
import { formatClock, formatDateTimeShort } from '../common/format.js';

export type HeadlinePart = string | { id: string };

export interface PendingText {
  /** The card's heading, and the same split so that the ids in it can be set in a monospace font. */
  headline: string;
  headlineParts: HeadlinePart[];
  /** What the request is and what approving does. */
  explanation: string;
  /** What to check before approving. */
  advice: string;
  /** Visible text and accessible name of the approve button. */
  approveText: string;
  approveLabel: string;
  /** Accessible name of the reject button. */
  rejectLabel: string;
  /** Label of the pinned key (key-change only), and the date and time it was pinned, if known. */
  pinnedLabel: string | null;
  pinnedSince: string | null;
}

function parts(...pieces: HeadlinePart[]): { headline: string; headlineParts: HeadlinePart[] } {
  return { headline: pieces.map((x) => (typeof x === 'string' ? x : x.id)).join(''), headlineParts: pieces };
}

export function pendingText(p: PendingApproval): PendingText {
  const rejectLabel = `Reject ${p.id}`;
  switch (p.kind) {
    case 'key-change': {
      const accept = `Accept new key for ${p.id}`;
      return {
        ...parts('Key change for ', { id: p.id }, ' — possible impersonation'),
        explanation:
          `${p.id} is already pinned to another key, and this connection presented a different one; it was refused. ` +
          `Approving lets the presented key replace the pinned key at the next login with it. ` +
          `If you did not expect ${p.id} to change devices, reject.`,
        advice: 'Call the patient on a number you already have and compare the presented fingerprint before accepting.',
        approveText: accept,
        approveLabel: accept,
        rejectLabel,
        pinnedLabel: p.pinnedAt === null ? 'Pinned key (date unknown)' : `Pinned key (since ${formatDateTimeShort(p.pinnedAt)})`,
        pinnedSince: p.pinnedAt === null ? null : formatDateTimeShort(p.pinnedAt),
      };
    }
    case 'look-alike': {
      const others: HeadlinePart[] =
        p.similarTo.length > 0 ? p.similarTo.flatMap((other, k) => (k === 0 ? [{ id: other }] : [', ', { id: other }])) : ['another patient id'];
      return {
        ...parts('Look-alike id: ', { id: p.id }, ' looks like ', ...others),
        explanation:
          `This new id can be mistaken for ${p.similarTo.length > 1 ? 'ids that are' : 'an id that is'} already pinned or waiting. ` +
          'The characters that differ are marked below. Approving admits it as a separate patient.',
        advice: 'Check who this is before approving: ask the patient for their id and fingerprint, and compare both.',
        approveText: 'Approve',
        approveLabel: `Approve ${p.id}`,
        rejectLabel,
        pinnedLabel: null,
        pinnedSince: null,
      };
    }
    case 'new-patient':
    default:
      return {
        ...parts('New patient ', { id: p.id }),
        explanation: `${p.id} has no key pinned yet. Approving admits ${p.id} and pins the presented key to this id.`,
        advice: 'Ask the patient to read their fingerprint aloud. Approve only if it matches the one shown here.',
        approveText: 'Approve',
        approveLabel: `Approve ${p.id}`,
        rejectLabel,
        pinnedLabel: null,
        pinnedSince: null,
      };
  }
}

/** "expires in 4 min (at 14:08:07)", "expires in less than a minute (…)", "expired at 14:08:07". */
export function describeExpiry(expiresAt: number, now: number): string {
  const left = expiresAt - now;
  const at = formatClock(expiresAt);
  if (left <= 0) return `expired at ${at}`;
  if (left < 60_000) return `expires in less than a minute (at ${at})`;
  return `expires in ${Math.floor(left / 60_000)} min (at ${at})`;
}

export interface SpelledChar {
  char: string;
  /** A name that tells look-alike characters apart: "small l", "capital I", "digit 1", "full stop". */
  name: string;
  /** U+0049 */
  codePoint: string;
  /** Not a lowercase ASCII letter: shown with its name and code point. */
  unusual: boolean;
  /** Not part of what this id shares with the id it is compared with. */
  differs: boolean;
}

const PUNCTUATION: Record<string, string> = { '_': 'underscore', '.': 'full stop', '@': 'at sign', '-': 'hyphen' };

export function charName(char: string): string {
  if (/^[a-z]$/.test(char)) return `small ${char}`;
  if (/^[A-Z]$/.test(char)) return `capital ${char}`;
  if (/^[0-9]$/.test(char)) return `digit ${char}`;
  return PUNCTUATION[char] ?? `character ${codePointOf(char)}`;
}

function codePointOf(char: string): string {
  return `U+${(char.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
}

/**
 * Both ids spelled out character by character, with the characters outside their longest common
 * subsequence marked as differing: `aIice` / `alice` marks `I` and `l`; `rnary` / `mary` marks `r`, `n`, `m`.
 */
export function compareIds(id: string, other: string): { id: SpelledChar[]; other: SpelledChar[] } {
  const a = Array.from(id);
  const b = Array.from(other);
  // lcs[i][j]: length of the longest common subsequence of a[i..] and b[j..]. Ids are at most 64 characters.
  const lcs = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      lcs[i]![j] = a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
    }
  }
  const sameA = new Array<boolean>(a.length).fill(false);
  const sameB = new Array<boolean>(b.length).fill(false);
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      sameA[i++] = true;
      sameB[j++] = true;
    } else if (lcs[i + 1]![j]! >= lcs[i]![j + 1]!) i++;
    else j++;
  }
  const spell = (chars: string[], same: boolean[]): SpelledChar[] =>
    chars.map((char, k) => ({
      char,
      name: charName(char),
      codePoint: codePointOf(char),
      unusual: !/^[a-z]$/.test(char),
      differs: !same[k],
    }));
  return { id: spell(a, sameA), other: spell(b, sameB) };
}

/** Spoken form of a spelled id: "a, capital I (differs), i, c, e". */
export function describeSpelling(chars: SpelledChar[]): string {
  return chars.map((c) => (c.differs ? `${c.name} (differs)` : c.name.replace(/^small /, ''))).join(', ');
}

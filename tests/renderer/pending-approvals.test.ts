// The doctor's approval cards (src/renderer/doctor/pending-text.ts and PendingApprovals.tsx): a key
// change reads as a warning with both keys, a look-alike id shows the characters that differ, and a
// newcomer keeps the `Approve <id>` / `Reject <id>` buttons.
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { SocketApi } from '../../src/renderer/bridge.js';
import { ApiProvider } from '../../src/renderer/common/ApiContext.js';
import { formatClock, formatDateTimeShort } from '../../src/renderer/common/format.js';
import { PendingApprovals } from '../../src/renderer/doctor/PendingApprovals.js';
import { charName, compareIds, describeExpiry, describeSpelling, pendingText } from '../../src/renderer/doctor/pending-text.js';
import type { PendingApproval } from '../../src/shared/contract.js';

const T0 = new Date(2025, 2, 14, 14, 3, 7).getTime();
const PINNED = 'aaaaa bbbbb ccccc ddddd';
const PRESENTED = 'eeeee fffff ggggg hhhhh';

function request(over: Partial<PendingApproval>): PendingApproval {
  return {
    id: 'alice', kind: 'new-patient', address: '127.0.0.1:40000', fingerprint: PRESENTED, requestedAt: T0,
    expiresAt: T0 + 5 * 60_000, pinnedFingerprint: null, pinnedAt: null, similarTo: [], ...over,
  };
}

const keyChange = request({ kind: 'key-change', expiresAt: T0 + 10 * 60_000, pinnedFingerprint: PINNED, pinnedAt: new Date(2025, 0, 2, 9, 5).getTime() });
const lookAlike = request({ id: 'aIice', kind: 'look-alike', similarTo: ['alice'] });

describe('pendingText', () => {
  it('makes a key change a warning that says what accepting does', () => {
    const text = pendingText(keyChange);
    expect(text.headline).toBe('Key change for alice — possible impersonation');
    expect(text.explanation).toContain('already pinned to another key');
    expect(text.explanation).toContain('replace the pinned key at the next login');
    expect(text.advice).toBe('Call the patient on a number you already have and compare the presented fingerprint before accepting.');
    expect(text.approveText).toBe('Accept new key for alice');
    expect(text.approveLabel).toBe('Accept new key for alice');
    expect(text.rejectLabel).toBe('Reject alice');
    expect(text.pinnedLabel).toBe(`Pinned key (since ${formatDateTimeShort(keyChange.pinnedAt!)})`);
    expect(pendingText({ ...keyChange, pinnedAt: null }).pinnedLabel).toBe('Pinned key (date unknown)');
  });
  it('names the ids a look-alike can be mistaken for', () => {
    const text = pendingText(lookAlike);
    expect(text.headline).toBe('Look-alike id: aIice looks like alice');
    expect(text.advice).toMatch(/Check who this is/);
    expect([text.approveLabel, text.rejectLabel]).toEqual(['Approve aIice', 'Reject aIice']);
    expect(pendingText({ ...lookAlike, similarTo: ['alice', 'Alice'] }).headline).toBe('Look-alike id: aIice looks like alice, Alice');
  });
  it('keeps the newcomer card and its button names', () => {
    const text = pendingText(request({}));
    expect(text.headline).toBe('New patient alice');
    expect(text.advice).toMatch(/read their fingerprint aloud/);
    expect([text.approveText, text.approveLabel, text.rejectLabel]).toEqual(['Approve', 'Approve alice', 'Reject alice']);
    expect(text.pinnedLabel).toBeNull();
  });
});

describe('describeExpiry', () => {
  it('counts whole minutes left, then less than a minute, then expired', () => {
    const at = formatClock(T0 + 300_000);
    expect(describeExpiry(T0 + 300_000, T0)).toBe(`expires in 5 min (at ${at})`);
    expect(describeExpiry(T0 + 300_000, T0 + 1)).toBe(`expires in 4 min (at ${at})`);
    expect(describeExpiry(T0 + 300_000, T0 + 250_000)).toBe(`expires in less than a minute (at ${at})`);
    expect(describeExpiry(T0 + 300_000, T0 + 300_000)).toBe(`expired at ${at}`);
  });
});

describe('compareIds', () => {
  it('marks the characters that differ and names the ones a person can misread', () => {
    const { id, other } = compareIds('aIice', 'alice');
    expect(id.map((c) => c.differs)).toEqual([false, true, false, false, false]);
    expect(other.map((c) => c.differs)).toEqual([false, true, false, false, false]);
    expect(id[1]).toMatchObject({ char: 'I', name: 'capital I', codePoint: 'U+0049', unusual: true });
    expect(other[1]).toMatchObject({ char: 'l', name: 'small l', codePoint: 'U+006C', unusual: false });
    expect(describeSpelling(id)).toBe('a, capital I (differs), i, c, e');
  });
  it('copes with ids of different lengths', () => {
    const { id, other } = compareIds('rnary', 'mary');
    expect(id.filter((c) => c.differs).map((c) => c.char)).toEqual(['r', 'n']);
    expect(other.filter((c) => c.differs).map((c) => c.char)).toEqual(['m']);
    expect(compareIds('a1ice', 'alice').id[1]).toMatchObject({ name: 'digit 1', differs: true });
    expect(compareIds('', 'x').other[0]!.differs).toBe(true);
  });
  it('names punctuation and anything else by code point', () => {
    expect(['_', '.', '@', '-'].map(charName)).toEqual(['underscore', 'full stop', 'at sign', 'hyphen']);
    expect(charName('\u0430')).toBe('character U+0430');
  });
});

describe('PendingApprovals', () => {
  const api = {} as SocketApi;
  const render = (pending: PendingApproval[]) =>
    renderToStaticMarkup(createElement(ApiProvider, { api, children: createElement(PendingApprovals, { pending }) }));

  it('renders nothing when no one waits', () => {
    expect(render([])).toBe('');
  });
  it('shows both keys of a key change, with its own button, before a newcomer', () => {
    const html = render([request({ id: 'bob' }), keyChange]);
    expect(html).toContain('pending-card-key-change');
    expect(html).toContain('Key change for <code class="pending-id">alice</code> — possible impersonation');
    expect(html.indexOf('pending-card-key-change')).toBeLessThan(html.indexOf('pending-card-new-patient'));
    expect(html).toContain(PINNED);
    expect(html).toContain(PRESENTED);
    expect(html).toContain('Presented key');
    expect(html).toContain('aria-label="Accept new key for alice"');
    expect(html).toContain('aria-label="Reject alice"');
    expect(html).not.toContain('aria-label="Approve alice"');
    expect(html).toContain('aria-label="Approve bob"');
    expect(html).toContain('aria-label="Reject bob"');
    expect(html).toContain('127.0.0.1:40000');
  });
  it('puts each key of a key change under its own label', () => {
    const html = render([keyChange]);
    expect(html).toMatch(new RegExp(`Pinned key \\(since <time[^>]*>[^<]*</time>\\)</dt><dd><code class="fingerprint">${PINNED}</code></dd>`));
    expect(html).toContain(`<dt>Presented key</dt><dd><code class="fingerprint">${PRESENTED}</code></dd>`);
    expect(render([{ ...keyChange, pinnedAt: null }])).toContain(`<dt>Pinned key (date unknown)</dt><dd><code class="fingerprint">${PINNED}</code></dd>`);
  });
  it('spells out a look-alike id', () => {
    const html = render([lookAlike]);
    expect(html).toContain('pending-card-look-alike');
    expect(html).toContain('aria-label="aIice, spelled: a, capital I (differs), i, c, e"');
    expect(html).toContain('U+0049');
    expect(html).toContain('aria-label="Approve aIice"');
  });
});

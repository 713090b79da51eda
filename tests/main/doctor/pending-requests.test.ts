import { describe, expect, it } from 'vitest';
import { PendingRequests, sourceOf, type PendingRequest } from '../../../src/main/doctor/pending-requests.js';

let t = 1_000;
const now = (): number => t;
const LIMITS = { maxPendingPerId: 4, maxPendingPerAddress: 4, maxPending: 64 };

function request(id: string, fingerprint: string, address: string, kind: PendingRequest['kind'] = 'key-change'): PendingRequest {
  return {
    kind, id, address, fingerprint, requestedAt: t++, expiresAt: t + 600_000,
    pinnedFingerprint: kind === 'key-change' ? 'pinned' : null, pinnedAt: kind === 'key-change' ? 1 : null, similarTo: [], session: null,
  };
}

describe('PendingRequests', () => {
  it("keeps one request per (id, key): an outsider's request does not take the owner's slot", () => {
    const pending = new PendingRequests(now, LIMITS);
    expect(pending.add(request('alice', 'fp-mallory', '10.0.0.6:1111'))).toEqual({ added: true, replaced: null });
    expect(pending.add(request('alice', 'fp-owner', '10.0.0.7:2222'))).toEqual({ added: true, replaced: null });
    expect(pending.list().map((r) => r.fingerprint)).toEqual(['fp-mallory', 'fp-owner']);
  });

  it("a newer request for an id from the same address replaces that address's earlier one", () => {
    const pending = new PendingRequests(now, LIMITS);
    const first = request('alice', 'fp-1', '10.0.0.6:1');
    pending.add(first);
    expect(pending.add(request('alice', 'fp-2', '10.0.0.6:2'))).toEqual({ added: true, replaced: first });
    expect(pending.list().map((r) => r.fingerprint)).toEqual(['fp-2']);
  });

  it('refuses the newest past a bound and never pushes out anyone who waits', () => {
    const pending = new PendingRequests(now, { ...LIMITS, maxPendingPerId: 2 });
    pending.add(request('bob', 'fp-bob', '10.0.0.1:1', 'new-patient'));
    pending.add(request('bob', 'fp-x', '10.0.0.50:1', 'new-patient'));
    expect(pending.add(request('bob', 'fp-y', '10.0.0.51:1', 'new-patient'))).toEqual({ added: false, why: 'per-id' });
    expect(pending.list().map((r) => r.fingerprint)).toEqual(['fp-bob', 'fp-x']);
  });

  it('bounds the requests from one address across ids, and in all', () => {
    const perAddress = new PendingRequests(now, { ...LIMITS, maxPendingPerAddress: 2 });
    perAddress.add(request('a', '1', '10.0.0.9:1'));
    perAddress.add(request('b', '2', '10.0.0.9:2'));
    expect(perAddress.add(request('c', '3', '10.0.0.9:3'))).toEqual({ added: false, why: 'per-address' });
    expect(perAddress.add(request('c', '3', '10.0.0.10:3'))).toMatchObject({ added: true });
    const total = new PendingRequests(now, { ...LIMITS, maxPending: 2 });
    total.add(request('a', '1', '10.0.0.1:1'));
    total.add(request('b', '2', '10.0.0.2:1'));
    expect(total.add(request('c', '3', '10.0.0.3:1'))).toEqual({ added: false, why: 'full' });
  });

  it('lapses requests at their expiry', () => {
    const pending = new PendingRequests(now, LIMITS);
    pending.add(request('a', '1', '10.0.0.1:1'));
    pending.add(request('b', '2', '10.0.0.2:1'));
    expect(pending.nextExpiry()).toBe(pending.list()[0]!.expiresAt);
    t += 600_002;
    expect(pending.expire().map((r) => r.id)).toEqual(['a', 'b']);
    expect(pending.size).toBe(0);
  });

  it('counts sources by address without the port, IPv6 by /64', () => {
    expect(sourceOf('10.0.0.1:5050')).toBe('10.0.0.1');
    expect(sourceOf('[fd00::1]:5050')).toBe(sourceOf('[fd00::2]:6060'));
  });
});

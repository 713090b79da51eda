import { describe, expect, it } from 'vitest';
import { PendingRequests, type PendingRequest } from '../../../src/main/doctor/pending-requests.js';

let t = 1_000;
const now = (): number => t;

function request(id: string, fingerprint: string, address: string, kind: PendingRequest['kind'] = 'key-change'): PendingRequest {
  return {
    kind, id, address, fingerprint, requestedAt: t++, expiresAt: t + 600_000,
    pinnedFingerprint: kind === 'key-change' ? 'pinned' : null, pinnedAt: kind === 'key-change' ? 1 : null, similarTo: [], session: null,
  };
}

describe('PendingRequests', () => {
  it("keeps one request per (id, key): an outsider's request does not take the owner's slot", () => {
    const pending = new PendingRequests(now, { maxPendingPerId: 4, maxPending: 64 });
    expect(pending.add(request('alice', 'fp-mallory', '10.0.0.6:1111'))).toEqual({ displaced: [] });
    expect(pending.add(request('alice', 'fp-owner', '10.0.0.7:2222'))).toEqual({ displaced: [] });
    expect(pending.list().map((r) => r.fingerprint)).toEqual(['fp-mallory', 'fp-owner']);
  });

  it("replaces an address's earlier key change for the id, and gives way oldest-first when an id is full", () => {
    const pending = new PendingRequests(now, { maxPendingPerId: 2, maxPending: 64 });
    pending.add(request('alice', 'fp-1', '10.0.0.6:1'));
    const again = pending.add(request('alice', 'fp-2', '10.0.0.6:2'));
    expect(again?.displaced.map((r) => r.fingerprint)).toEqual(['fp-1']);
    pending.add(request('alice', 'fp-3', '10.0.0.8:3'));
    const full = pending.add(request('alice', 'fp-owner', '10.0.0.9:4'));
    expect(full?.displaced.map((r) => r.fingerprint)).toEqual(['fp-2']);
    expect(pending.list().map((r) => r.fingerprint)).toEqual(['fp-3', 'fp-owner']);
  });

  it('lapses requests at their expiry and refuses past the total bound', () => {
    const pending = new PendingRequests(now, { maxPendingPerId: 4, maxPending: 2 });
    pending.add(request('a', '1', '10.0.0.1:1'));
    pending.add(request('b', '2', '10.0.0.2:1'));
    expect(pending.add(request('c', '3', '10.0.0.3:1'))).toBeNull();
    expect(pending.nextExpiry()).toBe(pending.list()[0]!.expiresAt);
    t += 600_001;
    expect(pending.expire().map((r) => r.id)).toEqual(['a', 'b']);
    expect(pending.size).toBe(0);
  });
});

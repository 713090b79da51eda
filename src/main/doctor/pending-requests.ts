/**
 * Requests that wait for the doctor: a new patient under the "ask" policy, a look-alike id, or a
 * pinned id presenting another key. Each request is one (id, fingerprint), lapses after a while,
 * and the queue is bounded per id and in all. A later key-change request from the same address
 * for the same id replaces that address's earlier one, and when an id's share is full its oldest
 * request gives way, so an outsider repeating requests for an id cannot take the slot its real
 * owner needs (issue: one request took an id's only slot, with no expiry).
 */
import type { PendingApproval } from '../../shared/contract.js';
import type { PatientSession } from './session.js';

export interface PendingRequest extends PendingApproval {
  /** The connection that waits for the decision (new-patient, look-alike), or null (key-change). */
  session: PatientSession | null;
}

export interface PendingLimits {
  maxPendingPerId: number;
  maxPending: number;
}

const keyOf = (id: string, fingerprint: string): string => `${id}\u0000${fingerprint}`;
const hostOf = (address: string): string => address.replace(/:\d+$/, '');

export class PendingRequests {
  private readonly requests = new Map<string, PendingRequest>();

  constructor(
    private readonly now: () => number,
    private readonly limits: PendingLimits,
  ) {}

  get size(): number {
    return this.requests.size;
  }

  get(id: string, fingerprint: string): PendingRequest | undefined {
    return this.requests.get(keyOf(id, fingerprint));
  }

  /**
   * Adds a request (replacing one for the same id and key); returns what it displaced (the same
   * address's earlier key change, or the id's oldest request), or null when the queue is full.
   */
  add(request: PendingRequest): { displaced: PendingRequest[] } | null {
    const displaced: PendingRequest[] = [];
    const key = keyOf(request.id, request.fingerprint);
    const previous = this.requests.get(key);
    if (previous) {
      this.requests.delete(key);
      if (previous.session !== request.session) displaced.push(previous);
    }
    const sameId = () => [...this.requests.values()].filter((r) => r.id === request.id);
    if (request.kind === 'key-change') {
      for (const r of sameId()) {
        if (r.kind === 'key-change' && hostOf(r.address) === hostOf(request.address)) displaced.push(this.take(r));
      }
    }
    const mine = sameId();
    if (mine.length >= this.limits.maxPendingPerId) displaced.push(this.take(mine.sort((a, b) => a.requestedAt - b.requestedAt)[0]!));
    if (this.requests.size >= this.limits.maxPending) return null;
    this.requests.set(key, request);
    return { displaced };
  }

  remove(request: PendingRequest): void {
    if (this.requests.get(keyOf(request.id, request.fingerprint)) === request) this.requests.delete(keyOf(request.id, request.fingerprint));
  }

  private take(request: PendingRequest): PendingRequest {
    this.requests.delete(keyOf(request.id, request.fingerprint));
    return request;
  }

  forSession(session: PatientSession): PendingRequest | undefined {
    for (const r of this.requests.values()) if (r.session === session) return r;
    return undefined;
  }

  /** Removes and returns the requests whose time is up. */
  expire(): PendingRequest[] {
    const now = this.now();
    const lapsed = [...this.requests.values()].filter((r) => r.expiresAt <= now);
    for (const r of lapsed) this.take(r);
    return lapsed;
  }

  /** The soonest expiry, for the timer that lapses requests. */
  nextExpiry(): number | null {
    let soonest: number | null = null;
    for (const r of this.requests.values()) if (soonest === null || r.expiresAt < soonest) soonest = r.expiresAt;
    return soonest;
  }

  list(): PendingApproval[] {
    return [...this.requests.values()]
      .sort((a, b) => a.requestedAt - b.requestedAt)
      .map(({ session: _session, ...view }) => ({ ...view, similarTo: [...view.similarTo] }));
  }

  clear(): void {
    this.requests.clear();
  }
}

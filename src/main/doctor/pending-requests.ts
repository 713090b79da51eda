/**
 * Requests that wait for the doctor: a new patient under the "ask" policy, a look-alike id, or a
 * pinned id that proved another key. Each request is one (id, key) and lapses after a while.
 * Bounds, and who gives way:
 * - one request per id from one source address: a newer one from that address replaces it;
 * - at most maxPendingPerId for an id, maxPendingPerAddress from an address, maxPending in all:
 *   past a bound the NEW request is refused. Nobody else's request is ever pushed out, so an
 *   outsider cannot evict a patient who waits (an outside review found that when the oldest
 *   request gave way, four outsider requests for "bob" pushed the real bob out, told "declined").
 */
import type { PendingApproval } from '../../shared/contract.js';
import { addressBucket } from './address-limiter.js';
import type { PatientSession } from './session.js';

export interface PendingRequest extends PendingApproval {
  /** The connection that waits for the decision (new-patient, look-alike), or null (key-change). */
  session: PatientSession | null;
}

export interface PendingLimits {
  maxPendingPerId: number;
  maxPendingPerAddress: number;
  maxPending: number;
}

export type AddOutcome =
  | { added: true; replaced: PendingRequest | null }
  | { added: false; why: 'per-id' | 'per-address' | 'full' };

const keyOf = (id: string, fingerprint: string): string => `${id}\u0000${fingerprint}`;

/** The counting unit of a request's source: its address without the port (IPv6 by /64). */
export function sourceOf(address: string): string {
  const host = address.replace(/:\d+$/, '').replace(/^\[(.*)\]$/, '$1');
  return addressBucket(host);
}

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

  add(request: PendingRequest): AddOutcome {
    const source = sourceOf(request.address);
    const all = [...this.requests.values()];
    const replaced = all.find((r) => r.id === request.id && (r.fingerprint === request.fingerprint || sourceOf(r.address) === source)) ?? null;
    const others = all.filter((r) => r !== replaced);
    if (others.filter((r) => r.id === request.id).length >= this.limits.maxPendingPerId) return { added: false, why: 'per-id' };
    if (others.filter((r) => sourceOf(r.address) === source).length >= this.limits.maxPendingPerAddress) return { added: false, why: 'per-address' };
    if (others.length >= this.limits.maxPending) return { added: false, why: 'full' };
    if (replaced) this.remove(replaced);
    this.requests.set(keyOf(request.id, request.fingerprint), request);
    return { added: true, replaced };
  }

  remove(request: PendingRequest): void {
    if (this.requests.get(keyOf(request.id, request.fingerprint)) === request) this.requests.delete(keyOf(request.id, request.fingerprint));
  }

  forSession(session: PatientSession): PendingRequest | undefined {
    for (const r of this.requests.values()) if (r.session === session) return r;
    return undefined;
  }

  /** Removes and returns the requests whose time is up. */
  expire(): PendingRequest[] {
    const now = this.now();
    const lapsed = [...this.requests.values()].filter((r) => r.expiresAt <= now);
    for (const r of lapsed) this.remove(r);
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

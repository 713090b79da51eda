/**
 * Who may hold a connection at the doctor before proving anything. The conference has a total cap
 * (large: the doctor serves thousands of patients) and each source address a small cap on
 * connections that are not yet admitted, so one address holding half-open connections cannot keep
 * anyone else out (issue: one address with 255 half-open connections kept new patients out).
 * A refused connection is told why (opcode 60) before it is closed.
 */
import type { DisconnectCode } from '../protocol/index.js';
import { addressBucket } from './address-limiter.js';

export interface GateLimits {
  maxConnections: number;
  maxUnauthenticatedPerAddress: number;
}

export interface GateRefusal {
  code: DisconnectCode;
  /** A sentence for the audit log. */
  detail: string;
  /** The counting unit of the source (its address; an IPv6 /64). */
  source: string;
}

export class ConnectionGate {
  private total = 0;
  private readonly unauthenticated = new Map<string, number>();

  constructor(private readonly limits: GateLimits) {}

  get connections(): number {
    return this.total;
  }

  /** Connections not yet admitted, over all addresses, and the addresses holding them. */
  get unfinished(): { connections: number; addresses: number } {
    let connections = 0;
    for (const n of this.unauthenticated.values()) connections += n;
    return { connections, addresses: this.unauthenticated.size };
  }

  /** Admits a new connection from `ip` (counted until released), or says why not. */
  open(ip: string): GateRefusal | null {
    const bucket = addressBucket(ip);
    if (this.total >= this.limits.maxConnections) {
      return { code: 'CONFERENCE_FULL', detail: `conference full (${this.total} connections, the cap)`, source: bucket };
    }
    const held = this.unauthenticated.get(bucket) ?? 0;
    if (held >= this.limits.maxUnauthenticatedPerAddress) {
      return { code: 'TOO_MANY_CONNECTIONS', detail: `too many unfinished connections from ${bucket} (${held}, the cap)`, source: bucket };
    }
    this.total++;
    this.unauthenticated.set(bucket, held + 1);
    return null;
  }

  /** The connection proved its key and was admitted: it no longer counts against its address. */
  authenticated(ip: string): void {
    this.dropUnauthenticated(addressBucket(ip));
  }

  /** The connection closed; `wasAuthenticated` says whether authenticated() was called for it. */
  closed(ip: string, wasAuthenticated: boolean): void {
    this.total = Math.max(0, this.total - 1);
    if (!wasAuthenticated) this.dropUnauthenticated(addressBucket(ip));
  }

  private dropUnauthenticated(bucket: string): void {
    const held = this.unauthenticated.get(bucket) ?? 0;
    if (held <= 1) this.unauthenticated.delete(bucket);
    else this.unauthenticated.set(bucket, held - 1);
  }
}

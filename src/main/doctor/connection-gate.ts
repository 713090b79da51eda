/**
 * Who may hold a connection at the doctor before proving anything. The conference has a total cap
 * (large: the doctor serves thousands of patients) and each source address a small cap on
 * connections that are not yet admitted, so one address holding half-open connections cannot keep
 * anyone else out (issue: one address with 255 half-open connections kept new patients out).
 * A refused connection is told why (opcode 60) before it is closed; refusals are audited at most
 * once a minute per address and reason, with the count of those not recorded in between.
 */
import type { DisconnectCode } from '../protocol/index.js';
import { addressBucket } from './address-limiter.js';

const AUDIT_EVERY_MS = 60_000;
const MAX_TRACKED = 4096;

export interface GateLimits {
  maxConnections: number;
  maxUnauthenticatedPerAddress: number;
}

export interface GateRefusal {
  code: DisconnectCode;
  /** A sentence for the audit log, or null when this refusal is only counted. */
  auditDetail: string | null;
}

export class ConnectionGate {
  private total = 0;
  private readonly unauthenticated = new Map<string, number>();
  private readonly lastAudit = new Map<string, { at: number; unrecorded: number }>();

  constructor(
    private readonly now: () => number,
    private readonly limits: GateLimits,
  ) {}

  get connections(): number {
    return this.total;
  }

  /** Admits a new connection from `ip` (counted until released), or says why not. */
  open(ip: string): GateRefusal | null {
    const bucket = addressBucket(ip);
    if (this.total >= this.limits.maxConnections) {
      return this.refuse(bucket, 'CONFERENCE_FULL', `conference full (${this.total} connections, the cap)`);
    }
    const held = this.unauthenticated.get(bucket) ?? 0;
    if (held >= this.limits.maxUnauthenticatedPerAddress) {
      return this.refuse(bucket, 'TOO_MANY_CONNECTIONS', `too many unfinished connections from ${bucket} (${held}, the cap)`);
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

  private refuse(bucket: string, code: DisconnectCode, detail: string): GateRefusal {
    const key = `${code} ${bucket}`;
    const now = this.now();
    const last = this.lastAudit.get(key);
    if (last && now - last.at < AUDIT_EVERY_MS) {
      last.unrecorded++;
      return { code, auditDetail: null };
    }
    const unrecorded = last?.unrecorded ?? 0;
    this.lastAudit.delete(key);
    this.lastAudit.set(key, { at: now, unrecorded: 0 });
    if (this.lastAudit.size > MAX_TRACKED) this.lastAudit.delete(this.lastAudit.keys().next().value!);
    const more = unrecorded > 0 ? `; ${unrecorded} more refused since the last such record` : '';
    return { code, auditDetail: `${detail}${more} (further refusals for a minute are counted, not recorded one by one)` };
  }
}

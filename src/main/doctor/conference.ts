/**
 * The admitted patients and the group key (seed steps 9-11). Each admitted patient receives the
 * group key under keys derived from its own session key (opcode 30); broadcasts travel under keys
 * derived from the group key (opcode 40), tagged with the epoch. Opcodes 30 and 40 go out on each
 * patient's socket in order, so a patient always holds the key of the broadcast it receives.
 *
 * Group keys (docs/protocol.md, "Group key and broadcasts"): the seed's "new group key on every
 * join" becomes "no patient ever holds a key that a broadcast sent before it joined went out
 * under, and no broadcast goes out under a key that a departed patient held". So:
 * - a key no broadcast has used yet is handed to a newcomer as it is (one opcode 30: nothing
 *   sent before the newcomer joined can be read with it); a join storm costs one seal per join;
 * - once a broadcast has used the key, a newcomer waits in `joining`, holding no key, for a
 *   rekey; joins close together share one (`windowMs` later, longer while rekeys are costly: at
 *   most about a tenth of the doctor's time goes to them);
 * - a member who leaves is removed from `members` at once, the key is marked stale and a rekey
 *   is armed as for a join; only `members` receive broadcasts, and a broadcast never goes out
 *   under a stale key or with anyone in `joining`: it rekeys first, without waiting for the window.
 */
import { IV_BYTES, randomBytes, type AsyncCrypto, type SealKeys } from '../crypto/index.js';
import { DOCTOR_OP, broadcastAad, deriveBroadcastKeys, encodeDoctorMessage, encodeFrame, groupKeyAad } from '../protocol/index.js';
import type { BroadcastReceipt } from '../../shared/contract.js';
import type { TimerHandle, Timers } from '../../shared/timers.js';
import type { PatientSession } from './session.js';

const MAX_RECEIPTS = 200;
/** A rekey waits at least this many times its last cost, so rekeys take at most ~1/(1+n) of the time. */
const COST_SPACING = 9;
const NAMES_IN_REASON = 5;
/** IVs drawn from the CSPRNG in one call during a rekey (randomBytes gives at most 64 KiB). */
const IVS_PER_DRAW = 4096;
const utf8 = new TextEncoder();

interface Receipt {
  seq: number;
  epoch: number;
  sentAt: number;
  text: string;
  recipients: string[];
  /** Recipients that have not acknowledged yet; delivered ids in order. */
  waiting: Set<string>;
  delivered: string[];
}

/** Why a rekey happened: the membership changes it covers. */
export interface RekeySummary {
  epoch: number;
  reason: string;
  members: number;
}

export interface ConferenceDeps {
  crypto: AsyncCrypto;
  now: () => number;
  timers: Timers;
  /** Membership changes within this many milliseconds share one rekey; 0 rekeys at once. */
  windowMs: number;
  /** Called after every rekey (the doctor audits it). */
  onRekey: (summary: RekeySummary) => void;
  /** Called when a newcomer is handed the current, unused key (the doctor audits it). */
  onKeyHandedOut: (handout: { patientId: string; address: string; epoch: number; members: number }) => void;
}

export class Conference {
  /** Patients holding the current group key: the recipients of a broadcast. */
  readonly members = new Map<string, PatientSession>();
  /** Admitted patients waiting for their first group key (the next rekey). */
  readonly joining = new Map<string, PatientSession>();
  epoch = 0;
  private seq = 0;
  private broadcastKeys: SealKeys | null = null;
  /** The current group key, kept (and wiped at the next rekey) to hand to newcomers while unused. */
  private groupKey: Uint8Array | null = null;
  /** A broadcast has gone out under the current key: a newcomer must not receive it. */
  private keyUsed = false;
  /** A patient who held the current key has left: no broadcast may use it. */
  private stale = false;
  private timer: TimerHandle | null = null;
  private lastRekeyMs = 0;
  private joins: string[] = [];
  private departures: string[] = [];
  private readonly receipts: Receipt[] = [];

  constructor(private readonly deps: ConferenceDeps) {}

  /** Admitted patients, keyed or about to be. */
  get size(): number {
    return this.members.size + this.joining.size;
  }

  /** Rekeys waiting for the window to close (membership changed since the last key). */
  get pending(): boolean {
    return this.stale || this.joining.size > 0;
  }

  has(patientId: string, session: PatientSession): boolean {
    return this.members.get(patientId) === session || this.joining.get(patientId) === session;
  }

  /** An admitted patient: it receives the current key now if no broadcast used it, else at the next rekey. */
  join(patientId: string, session: PatientSession): void {
    this.remove(patientId);
    if (this.groupKey && !this.keyUsed) {
      this.members.set(patientId, session);
      this.sendKey(patientId, session, this.groupKey);
      this.deps.onKeyHandedOut({ patientId, address: session.address, epoch: this.epoch, members: this.members.size });
      return;
    }
    this.joining.set(patientId, session);
    this.joins.push(patientId);
    this.schedule();
  }

  /** `iv`: 16 fresh random bytes for this box alone (a rekey draws all of its IVs at once). */
  private sendKey(patientId: string, session: PatientSession, groupKey: Uint8Array, iv = randomBytes(IV_BYTES)): void {
    const box = this.deps.crypto.engine.sealWithIv(session.groupKeyWrap!, iv, groupKey, groupKeyAad(patientId, this.epoch));
    session.send({ op: DOCTOR_OP.GROUP_KEY, epoch: this.epoch, box });
  }

  /** A patient's session ended (exit, block, drop); false if it was not in the conference. */
  leave(patientId: string, session: PatientSession): boolean {
    if (!this.has(patientId, session)) return false;
    this.remove(patientId);
    this.departures.push(patientId);
    this.schedule();
    return true;
  }

  private remove(patientId: string): void {
    if (this.members.delete(patientId)) this.stale = true;
    this.joining.delete(patientId);
  }

  private schedule(): void {
    if (!this.pending) return;
    if (this.deps.windowMs <= 0) return void this.rekey();
    if (this.timer) return;
    const delay = Math.max(this.deps.windowMs, Math.ceil(this.lastRekeyMs * COST_SPACING));
    this.timer = this.deps.timers.after(delay, () => {
      this.timer = null;
      if (this.pending) this.rekey();
    });
  }

  /** A new group key now, sent to every member and newcomer; returns the new epoch. */
  rekey(extraReason?: string): number {
    this.timer?.cancel();
    this.timer = null;
    const started = performance.now();
    for (const [patientId, session] of this.joining) this.members.set(patientId, session);
    this.joining.clear();
    this.wipeKeys();
    const groupKey = randomBytes(32);
    const epoch = ++this.epoch;
    let ivs: Uint8Array = new Uint8Array(0);
    let next = 0;
    for (const [patientId, session] of this.members) {
      if (next === ivs.length) {
        ivs = randomBytes(IV_BYTES * Math.min(IVS_PER_DRAW, this.members.size));
        next = 0;
      }
      this.sendKey(patientId, session, groupKey, ivs.subarray(next, (next += IV_BYTES)));
    }
    this.groupKey = groupKey;
    this.broadcastKeys = deriveBroadcastKeys(this.deps.crypto.engine, groupKey);
    this.keyUsed = false;
    this.stale = false;
    const reason = [describe('join', this.joins), describe('departure', this.departures), extraReason].filter(Boolean).join('; ');
    this.joins = [];
    this.departures = [];
    this.lastRekeyMs = performance.now() - started;
    this.deps.crypto.metrics.record('Group Key Distribution', this.lastRekeyMs);
    this.deps.onRekey({ epoch, reason: reason || 'no membership change', members: this.members.size });
    return epoch;
  }

  /**
   * Encrypts once under a current group key and sends the same frame to every member, in order.
   * Pending membership changes are keyed first; `rekeyFirst` asks for a fresh key regardless
   * (the seed's rekey before every broadcast). `record` runs before the first byte is sent; a
   * throw from it stops the broadcast.
   */
  broadcast(text: string, rekeyFirst: boolean, record?: (seq: number, epoch: number, members: number) => unknown): BroadcastReceipt {
    if (rekeyFirst || this.pending || !this.broadcastKeys) this.rekey(rekeyFirst ? 'before broadcast' : undefined);
    const seq = this.seq + 1;
    // Recorded before anything is sent: if that fails (a full disk), the broadcast does not happen.
    record?.(seq, this.epoch, this.members.size);
    this.seq = seq;
    const sentAt = this.deps.now();
    this.keyUsed = true;
    const box = this.deps.crypto.engine.seal(this.broadcastKeys!, utf8.encode(text), broadcastAad(this.epoch, seq, sentAt));
    const frame = encodeFrame(encodeDoctorMessage({ op: DOCTOR_OP.BROADCAST, epoch: this.epoch, seq, ts: sentAt, box }));
    const recipients: string[] = [];
    for (const [patientId, session] of this.members) {
      if (session.sendFrame(frame)) recipients.push(patientId);
    }
    const receipt: Receipt = { seq, epoch: this.epoch, sentAt, text, recipients, waiting: new Set(recipients), delivered: [] };
    this.receipts.push(receipt);
    if (this.receipts.length > MAX_RECEIPTS) this.receipts.shift();
    return view(receipt);
  }

  /** Records an authenticated acknowledgement; false for an unknown, foreign or repeated sequence number. */
  delivered(patientId: string, seq: number): boolean {
    const receipt = this.findReceipt(seq);
    if (!receipt?.waiting.delete(patientId)) return false;
    receipt.delivered.push(patientId);
    return true;
  }

  private findReceipt(seq: number): Receipt | undefined {
    // Sequence numbers are consecutive, so the receipt's place follows from the newest one.
    const newest = this.receipts.at(-1);
    if (!newest) return undefined;
    const receipt = this.receipts[this.receipts.length - 1 - (newest.seq - seq)];
    return receipt?.seq === seq ? receipt : undefined;
  }

  recentReceipts(): BroadcastReceipt[] {
    return this.receipts.map(view);
  }

  private wipeKeys(): void {
    this.groupKey?.fill(0);
    this.groupKey = null;
    this.broadcastKeys?.encKey.fill(0);
    this.broadcastKeys?.macKey.fill(0);
    this.broadcastKeys = null;
  }

  clear(): void {
    this.timer?.cancel();
    this.timer = null;
    this.members.clear();
    this.joining.clear();
    this.wipeKeys();
  }
}

function view(r: Receipt): BroadcastReceipt {
  return { seq: r.seq, epoch: r.epoch, sentAt: r.sentAt, text: r.text, recipients: [...r.recipients], delivered: [...r.delivered] };
}

/** "join of a, b" or "3 joins: a, b, c" or "40 joins: a, b, c, d, e and 35 more". */
function describe(kind: string, ids: readonly string[]): string {
  if (ids.length === 0) return '';
  const names = ids.slice(0, NAMES_IN_REASON).join(', ');
  const more = ids.length > NAMES_IN_REASON ? ` and ${ids.length - NAMES_IN_REASON} more` : '';
  return ids.length === 1 ? `${kind} of ${names}` : `${ids.length} ${kind}s: ${names}${more}`;
}

/**
 * The admitted patients and the group key (seed steps 9-11). A fresh random 256-bit group key
 * replaces the old one on every membership change and, by default, before each broadcast; each
 * admitted patient receives it under keys derived from its own session key (opcode 30), and
 * broadcasts travel under keys derived from it (opcode 40), each tagged with the epoch. Opcode 30
 * and 40 go out on each patient's socket in order, so a patient always holds the key of the
 * broadcast it receives.
 */
import { randomBytes, type AsyncCrypto, type SealKeys } from '../crypto/index.js';
import { DOCTOR_OP, broadcastAad, deriveBroadcastKeys, groupKeyAad } from '../protocol/index.js';
import type { BroadcastReceipt } from '../../shared/contract.js';
import type { PatientSession } from './session.js';

const MAX_RECEIPTS = 200;
const utf8 = new TextEncoder();

export class Conference {
  readonly members = new Map<string, PatientSession>();
  epoch = 0;
  private seq = 0;
  private broadcastKeys: SealKeys | null = null;
  private readonly receipts: BroadcastReceipt[] = [];

  constructor(
    private readonly crypto: AsyncCrypto,
    private readonly now: () => number,
  ) {}

  /** New group key, sent to every member; returns the new epoch. */
  rekey(): number {
    const groupKey = randomBytes(32);
    this.epoch++;
    const start = performance.now();
    for (const [patientId, session] of this.members) {
      const box = this.crypto.engine.seal(session.groupKeyWrap!, groupKey, groupKeyAad(patientId, this.epoch));
      session.send({ op: DOCTOR_OP.GROUP_KEY, epoch: this.epoch, box });
    }
    this.crypto.metrics.record('Group Key Distribution', performance.now() - start);
    this.wipeBroadcastKeys();
    this.broadcastKeys = deriveBroadcastKeys(this.crypto.engine, groupKey);
    groupKey.fill(0);
    return this.epoch;
  }

  /** Encrypts once under the current group key and sends to every member, in order. */
  broadcast(text: string): BroadcastReceipt {
    const seq = ++this.seq;
    const ts = this.now();
    const box = this.crypto.engine.seal(this.broadcastKeys!, utf8.encode(text), broadcastAad(this.epoch, seq, ts));
    const recipients: string[] = [];
    for (const [patientId, session] of this.members) {
      if (session.send({ op: DOCTOR_OP.BROADCAST, epoch: this.epoch, seq, ts, box })) recipients.push(patientId);
    }
    const receipt: BroadcastReceipt = { seq, epoch: this.epoch, sentAt: ts, text, recipients, delivered: [] };
    this.receipts.push(receipt);
    if (this.receipts.length > MAX_RECEIPTS) this.receipts.shift();
    return receipt;
  }

  /** Records an authenticated acknowledgement; false for an unknown or foreign sequence number. */
  delivered(patientId: string, seq: number): boolean {
    const receipt = this.receipts.find((r) => r.seq === seq);
    if (!receipt || !receipt.recipients.includes(patientId) || receipt.delivered.includes(patientId)) return false;
    receipt.delivered.push(patientId);
    return true;
  }

  recentReceipts(): BroadcastReceipt[] {
    return this.receipts.map((r) => ({ ...r, recipients: [...r.recipients], delivered: [...r.delivered] }));
  }

  private wipeBroadcastKeys(): void {
    this.broadcastKeys?.encKey.fill(0);
    this.broadcastKeys?.macKey.fill(0);
    this.broadcastKeys = null;
  }

  clear(): void {
    this.members.clear();
    this.wipeBroadcastKeys();
  }
}

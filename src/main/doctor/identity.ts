/**
 * The doctor's long-term identity keys, one per group served (like SSH host keys, one per
 * algorithm): public parts in the store, private parts in the key vault. A key is never replaced
 * by anything a peer sends (the seed's implementation let unauthenticated joins overwrite it).
 *
 * Standard groups' keys are made at the first start (ensureStandardKeys), so the doctor can read
 * out a fingerprint before any patient joins, and otherwise when first needed. A custom group's key is held in memory
 * only (a bounded, least-recently-used set) until a handshake in that group succeeds, and stored
 * only then; when the store holds maxCustomGroups custom keys, the least recently used one is
 * evicted (public and private part). So made-up groups cost no disk and fill no slot for good
 * (issue: 16 hellos with made-up groups made every later custom group TOO_MANY_GROUPS, forever).
 */
import { findStandardGroup, STANDARD_GROUP_NAMES, STANDARD_GROUPS, type AsyncCrypto, type Group, type KeyPair } from '../crypto/index.js';
import { keyFingerprint, groupIdOf } from '../protocol/index.js';
import type { KeyVault, Store } from '../store/index.js';
import type { KeyFingerprint } from '../../shared/contract.js';
import { isCustomGroup } from './group-checker.js';

/** Custom-group keys awaiting a first successful handshake. */
const MAX_PROVISIONAL = 32;

export interface IdentityEvents {
  created(group: Group, fingerprint: string): void;
  evicted(groupId: string, fingerprint: string): void;
}

export class DoctorIdentity {
  private readonly keys = new Map<string, KeyPair>();
  /** fingerprints() as last computed; dropped whenever a key is added or removed. */
  private fingerprintList: KeyFingerprint[] | null = null;
  private readonly provisional = new Map<string, KeyPair>();
  private readonly creating = new Map<string, Promise<KeyPair>>();

  constructor(
    private readonly store: Store,
    private readonly vault: KeyVault,
    private readonly crypto: AsyncCrypto,
    private readonly maxCustomGroups: number,
    private readonly now: () => number,
    private readonly events: IdentityEvents,
  ) {}

  groupId(group: Group): string {
    return groupIdOf((d) => this.crypto.engine.hash(d), group.p, group.g);
  }

  /** Makes (off the event loop) and stores the key of every standard group not held yet. */
  async ensureStandardKeys(): Promise<void> {
    await Promise.all(STANDARD_GROUP_NAMES.map((name) => this.keyFor(STANDARD_GROUPS[name])));
  }

  /** The key pair for a validated group: stored, provisional, or newly made. */
  keyFor(group: Group): Promise<KeyPair> {
    const id = this.groupId(group);
    const known = this.keys.get(id) ?? this.loadStored(group, id) ?? this.takeProvisional(id);
    if (known) return Promise.resolve(known);
    const pending = this.creating.get(id);
    if (pending) return pending;
    const job = this.create(group, id).finally(() => this.creating.delete(id));
    this.creating.set(id, job);
    return job;
  }

  private loadStored(group: Group, id: string): KeyPair | undefined {
    const stored = this.store.ownKeys.get(id);
    const x = stored ? this.vault.get(id) : undefined;
    if (!stored || x === undefined || stored.p !== group.p || stored.g !== group.g) return undefined;
    const pair: KeyPair = { group, x, y: stored.y };
    this.keys.set(id, pair);
    return pair;
  }

  private takeProvisional(id: string): KeyPair | undefined {
    const pair = this.provisional.get(id);
    if (pair) {
      this.provisional.delete(id);
      this.provisional.set(id, pair); // most recently used last
    }
    return pair;
  }

  private async create(group: Group, id: string): Promise<KeyPair> {
    const pair = await this.crypto.generateKeyPair(group);
    if (isCustomGroup(group)) {
      this.provisional.set(id, pair);
      if (this.provisional.size > MAX_PROVISIONAL) this.provisional.delete(this.provisional.keys().next().value!);
    } else {
      this.persist(id, pair);
    }
    return pair;
  }

  /**
   * A handshake with `pair` succeeded (the patient proved its key and the session key): store a
   * provisional custom key now, evicting the least recently used custom key if the store is full,
   * and note the use of a stored one.
   */
  confirm(pair: KeyPair): void {
    const id = this.groupId(pair.group);
    if (this.keys.get(id) === pair) {
      this.store.ownKeys.touch(id, this.now());
      return;
    }
    if (this.provisional.get(id) !== pair) return; // evicted from memory meanwhile: nothing to store
    this.provisional.delete(id);
    const custom = this.store.ownKeys.list().filter((k) => !findStandardGroup(k.p, k.g));
    custom.sort((a, b) => (a.lastUsedAt ?? a.createdAt) - (b.lastUsedAt ?? b.createdAt));
    while (custom.length >= this.maxCustomGroups) this.evict(custom.shift()!.groupId);
    this.persist(id, pair);
  }

  private persist(id: string, pair: KeyPair): void {
    this.vault.put(id, pair.x);
    this.store.ownKeys.put({ groupId: id, p: pair.group.p, g: pair.group.g, y: pair.y, createdAt: this.now() });
    this.keys.set(id, pair);
    this.fingerprintList = null;
    this.events.created(pair.group, this.fingerprintOf(pair));
  }

  private evict(id: string): void {
    const stored = this.store.ownKeys.get(id);
    this.store.ownKeys.remove(id);
    this.vault.remove(id);
    this.keys.delete(id);
    this.fingerprintList = null;
    if (stored) this.events.evicted(id, keyFingerprint((d) => this.crypto.engine.hash(d), stored.p, stored.g, stored.y));
  }

  fingerprintOf(pair: { group: Group; y: bigint }): string {
    return keyFingerprint((d) => this.crypto.engine.hash(d), pair.group.p, pair.group.g, pair.y);
  }

  /**
   * Fingerprints of every key the doctor holds, for reading aloud to patients: standard groups
   * first by size, then custom ones. Part of every
   * snapshot of the doctor's state, so computed once per change of keys, not per call.
   */
  fingerprints(): KeyFingerprint[] {
    this.fingerprintList ??= this.store.ownKeys.list().map((k) => ({
      group: findStandardGroup(k.p, k.g)?.name ?? 'custom',
      bits: k.p.toString(2).length,
      fingerprint: keyFingerprint((d) => this.crypto.engine.hash(d), k.p, k.g, k.y),
    }));
    // Standard groups first, smallest first (the one most patients use on top), then custom ones.
    this.fingerprintList.sort((a, b) => Number(a.group === 'custom') - Number(b.group === 'custom') || a.bits - b.bits);
    return this.fingerprintList.map((f) => ({ ...f }));
  }
}

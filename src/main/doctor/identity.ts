/**
 * The doctor's long-term identity keys, one per group served (like SSH host keys, one per
 * algorithm): public parts in the store, private parts in the key vault. A key is created the
 * first time a validated group needs one and never replaced by anything a peer sends (the seed's
 * implementation let unauthenticated joins overwrite it). Custom groups are capped, so a stream
 * of made-up groups cannot make the doctor generate and store keys without end.
 */
import { findStandardGroup, type AsyncCrypto, type Group, type KeyPair } from '../crypto/index.js';
import { keyFingerprint, groupIdOf } from '../protocol/index.js';
import type { KeyVault, Store } from '../store/index.js';
import type { KeyFingerprint } from '../../shared/contract.js';
import { isCustomGroup } from './group-checker.js';

export class TooManyGroupsError extends Error {
  constructor() {
    super('The doctor serves no more custom groups.');
    this.name = 'TooManyGroupsError';
  }
}

export class DoctorIdentity {
  private readonly keys = new Map<string, KeyPair>();
  private readonly creating = new Map<string, Promise<KeyPair>>();

  constructor(
    private readonly store: Store,
    private readonly vault: KeyVault,
    private readonly crypto: AsyncCrypto,
    private readonly maxCustomGroups: number,
    private readonly onCreated: (group: Group, fingerprint: string) => void = () => {},
  ) {}

  groupId(group: Group): string {
    return groupIdOf((d) => this.crypto.engine.hash(d), group.p, group.g);
  }

  /** The key pair for a validated group, loading or creating it. */
  keyFor(group: Group): Promise<KeyPair> {
    const id = this.groupId(group);
    const cached = this.keys.get(id);
    if (cached) return Promise.resolve(cached);
    const stored = this.store.ownKeys.get(id);
    const x = this.vault.get(id);
    if (stored && x !== undefined && stored.p === group.p && stored.g === group.g) {
      const pair: KeyPair = { group, x, y: stored.y };
      this.keys.set(id, pair);
      return Promise.resolve(pair);
    }
    const pending = this.creating.get(id);
    if (pending) return pending;
    if (isCustomGroup(group) && this.customGroupCount() >= this.maxCustomGroups) {
      return Promise.reject(new TooManyGroupsError());
    }
    const job = this.create(group, id).finally(() => this.creating.delete(id));
    this.creating.set(id, job);
    return job;
  }

  private async create(group: Group, id: string): Promise<KeyPair> {
    const pair = await this.crypto.generateKeyPair(group);
    this.vault.put(id, pair.x);
    this.store.ownKeys.put({ groupId: id, p: group.p, g: group.g, y: pair.y, createdAt: Date.now() });
    this.keys.set(id, pair);
    this.onCreated(group, this.fingerprintOf(pair));
    return pair;
  }

  private customGroupCount(): number {
    return this.store.ownKeys.list().filter((k) => !findStandardGroup(k.p, k.g)).length;
  }

  fingerprintOf(pair: { group: Group; y: bigint }): string {
    return keyFingerprint((d) => this.crypto.engine.hash(d), pair.group.p, pair.group.g, pair.y);
  }

  /** Fingerprints of every key the doctor holds, for reading aloud to patients. */
  fingerprints(): KeyFingerprint[] {
    return this.store.ownKeys.list().map((k) => ({
      group: findStandardGroup(k.p, k.g)?.name ?? 'custom',
      bits: k.p.toString(2).length,
      fingerprint: keyFingerprint((d) => this.crypto.engine.hash(d), k.p, k.g, k.y),
    }));
  }
}

/**
 * The patient's long-term identity: one ElGamal key pair per group, public part in the store,
 * private part in the key vault, created on first use. Choosing another group means another key,
 * which a doctor that pinned the old one refuses until the doctor accepts it.
 */
import type { AsyncCrypto, Group, KeyPair } from '../crypto/index.js';
import { groupIdOf, keyFingerprint } from '../protocol/index.js';
import type { KeyVault, Store } from '../store/index.js';

export class PatientIdentity {
  constructor(
    private readonly store: Store,
    private readonly vault: KeyVault,
    private readonly crypto: AsyncCrypto,
    private readonly now: () => number,
  ) {}

  groupId(group: Group): string {
    return groupIdOf((d) => this.crypto.engine.hash(d), group.p, group.g);
  }

  /** Whether the private part of this group's key is still in the vault. */
  holdsKey(groupId: string): boolean {
    return this.vault.get(groupId) !== undefined;
  }

  async keyFor(group: Group): Promise<{ pair: KeyPair; created: boolean }> {
    const id = this.groupId(group);
    const stored = this.store.ownKeys.get(id);
    const x = this.vault.get(id);
    if (stored && x !== undefined) {
      try {
        this.store.ownKeys.touch(id, this.now());
      } catch {
        // Only the order of the saved groups depends on it; a full disk must not stop the join.
      }
      return { pair: { group, x, y: stored.y }, created: false };
    }
    const pair = await this.crypto.generateKeyPair(group);
    this.vault.put(id, pair.x);
    this.store.ownKeys.put({ groupId: id, p: group.p, g: group.g, y: pair.y, createdAt: this.now() });
    return { pair, created: true };
  }

  fingerprint(group: Group, y: bigint): string {
    return keyFingerprint((d) => this.crypto.engine.hash(d), group.p, group.g, y);
  }
}

import { describe, expect, it } from 'vitest';
import { AsyncCrypto, STANDARD_GROUPS } from '../../../src/main/crypto/index.js';
import { keepGroupChoice, lastConnect, rememberConnect, requestedGroup, savedGroups } from '../../../src/main/patient/connect-request.js';
import { PatientIdentity } from '../../../src/main/patient/identity.js';
import type { KeyVault } from '../../../src/main/store/index.js';
import { FRESH_P_7_MOD_8 } from '../../fixtures/safe-primes.js';
import { testStore } from '../store/helpers.js';

describe('the remembered connect form', () => {
  it('reads back what was submitted', () => {
    const { store } = testStore();
    expect(lastConnect(store.settings)).toBeNull();
    rememberConnect(store.settings, { host: 'clinic.example', port: 5051, patientId: 'zoe', group: 'generate-2048' });
    expect(lastConnect(store.settings)).toEqual({ host: 'clinic.example', port: 5051, patientId: 'zoe', group: 'generate-2048' });
  });

  it('ignores a stored value someone edited into something the form would not accept', () => {
    const { store } = testStore();
    for (const raw of [
      'not json',
      '{"host":"127.0.0.1","port":5050,"patientId":"zoe\\n[admitted] mallory","group":"ffdhe2048"}',
      '{"host":"127.0.0.1","port":70000,"patientId":"zoe","group":"ffdhe2048"}',
      '{"host":"127.0.0.1","port":5050,"patientId":"zoe","group":"ffdhe1024"}',
      '{"host":"127.0.0.1","port":5050,"patientId":"zoe","group":"ffdhe2048","extra":1}',
      '["127.0.0.1",5050]',
    ]) {
      store.settings.set('patient.last-connect', raw);
      expect(lastConnect(store.settings), raw).toBeNull();
    }
  });
});

describe('a generated group is kept and chosen again', () => {
  function setup() {
    const { store, clock } = testStore();
    const keys = new Map<string, bigint>();
    const vault: KeyVault = { get: (id) => keys.get(id), put: (id, x) => void keys.set(id, x), remove: (id) => void keys.delete(id) };
    const crypto = new AsyncCrypto({ workers: 0 });
    const identity = new PatientIdentity(store, vault, crypto, clock.now);
    return { store, clock, keys, crypto, identity, sources: { crypto, store, identity } };
  }
  // A fresh safe prime made for the tests, standing in for one the patient generated.
  const fresh = { name: 'custom', p: FRESH_P_7_MOD_8, q: (FRESH_P_7_MOD_8 - 1n) / 2n, g: 2n, bits: 2048 };

  it('lists groups the patient holds a key in, not the standard ones, newest use first; a saved choice returns the same group and key', async () => {
    const { clock, crypto, identity, sources } = setup();
    await identity.keyFor(STANDARD_GROUPS.ffdhe2048);
    expect(savedGroups(sources)).toEqual([]);
    clock.advance(1000);
    const first = await identity.keyFor(fresh);
    const [saved] = savedGroups(sources);
    expect(saved).toMatchObject({ choice: `saved:${identity.groupId(fresh)}`, bits: 2048 });
    const again = await requestedGroup(saved!.choice, sources, () => {
      throw new Error('a saved group is not generated again');
    });
    expect(again).toMatchObject({ generated: null, choice: saved!.choice });
    expect(again.group.p).toBe(fresh.p);
    const second = await identity.keyFor(again.group);
    expect(second.created).toBe(false);
    expect(second.pair.y).toBe(first.pair.y);
    await crypto.close();
  });

  it('refuses a saved choice whose key is gone, or whose stored group was edited, in words', async () => {
    const { store, keys, crypto, identity, sources } = setup();
    await identity.keyFor(fresh);
    const id = identity.groupId(fresh);
    await expect(requestedGroup(`saved:${'0'.repeat(32)}`, sources, () => {})).rejects.toMatchObject({ code: 'UNKNOWN_GROUP' });
    // p replaced by p + 2 in the database: not a safe prime, or not the group the id names
    store.ownKeys.put({ ...store.ownKeys.get(id)!, p: fresh.p + 2n });
    await expect(requestedGroup(`saved:${id}`, sources, () => {})).rejects.toMatchObject({ code: 'BAD_GROUP' });
    keys.clear();
    expect(savedGroups(sources)).toEqual([]);
    await expect(requestedGroup(`saved:${id}`, sources, () => {})).rejects.toMatchObject({ code: 'UNKNOWN_GROUP', message: expect.stringMatching(/no longer on this computer/) });
    await crypto.close();
  });

  it('keeps the choice that joins the same group again in the remembered form', () => {
    const { store } = setup();
    const request = { host: '127.0.0.1', port: 5050, patientId: 'zoe', group: 'generate-2048' as const };
    const kept = keepGroupChoice(store.settings, request, `saved:${'a'.repeat(32)}`);
    expect(kept.group).toBe(`saved:${'a'.repeat(32)}`);
    expect(lastConnect(store.settings)).toEqual(kept);
  });
});

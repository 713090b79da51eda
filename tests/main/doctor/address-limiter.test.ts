import { describe, expect, it } from 'vitest';
import { AddressLimiter, addressBucket } from '../../../src/main/doctor/address-limiter.js';
import { ReplayCache } from '../../../src/main/doctor/replay-cache.js';

describe('AddressLimiter', () => {
  it('allows a burst up to the rate, then refills with time', () => {
    let now = 0;
    const limiter = new AddressLimiter(() => now, 3, 10, 60_000);
    expect([1, 2, 3, 4].map(() => limiter.allowHandshake('10.0.0.1'))).toEqual([true, true, true, false]);
    expect(limiter.allowHandshake('10.0.0.2')).toBe(true); // addresses are independent
    now += 20_000; // one token per 20 s at 3 per minute
    expect(limiter.allowHandshake('10.0.0.1')).toBe(true);
    expect(limiter.allowHandshake('10.0.0.1')).toBe(false);
  });

  it('shuts out an address after its strikes, for the strike window', () => {
    let now = 0;
    const limiter = new AddressLimiter(() => now, 100, 3, 60_000);
    for (let i = 0; i < 3; i++) limiter.strike('10.0.0.9');
    expect(limiter.allowHandshake('10.0.0.9')).toBe(false);
    expect(limiter.allowHandshake('10.0.0.8')).toBe(true);
    now += 60_001;
    expect(limiter.allowHandshake('10.0.0.9')).toBe(true);
  });
});

describe('ReplayCache', () => {
  it('remembers a nonce inside the window and forgets it after', () => {
    let now = 1_000_000;
    const cache = new ReplayCache(() => now, 5_000);
    cache.add('alice', 'n1', now);
    expect(cache.has('alice', 'n1')).toBe(true);
    expect(cache.has('bob', 'n1')).toBe(false);
    now += 5_001;
    expect(cache.has('alice', 'n1')).toBe(false);
  });
});

describe('ReplayCache across a restart', () => {
  it('loads the persisted nonces, so a new cache over the same store still knows them', () => {
    const now = 1_000_000;
    const rows = new Map<string, number>();
    const store = {
      add: (key: string, expiresAt: number) => void rows.set(key, Math.max(expiresAt, rows.get(key) ?? 0)),
      live: () => [...rows].filter(([, e]) => e >= now).map(([key, expiresAt]) => ({ key, expiresAt })),
      purgeExpired: () => 0,
    };
    new ReplayCache(() => now, 5_000, store).add('alice', 'n1', now);
    const restarted = new ReplayCache(() => now, 5_000, store);
    expect(restarted.has('alice', 'n1')).toBe(true);
    expect(restarted.has('alice', 'n2')).toBe(false);
  });
});

describe('addressBucket', () => {
  it('counts IPv4 (also IPv4-mapped) addresses singly and IPv6 addresses by their /64', () => {
    expect(addressBucket('127.0.0.2')).toBe('127.0.0.2');
    expect(addressBucket('::ffff:127.0.0.2')).toBe('127.0.0.2');
    expect(addressBucket('fd00::1')).toBe('fd00:0:0:0::/64');
    expect(addressBucket('fd00:0:0:0:aaaa::2')).toBe('fd00:0:0:0::/64');
    expect(addressBucket('2001:db8:1:2:3:4:5:6')).toBe('2001:db8:1:2::/64');
    expect(addressBucket('2001:db8:1:3::1')).not.toBe(addressBucket('2001:db8:1:2::1'));
    expect(addressBucket('::1')).toBe('0:0:0:0::/64');
  });
});

describe('AddressLimiter: failures per key', () => {
  it('refuses a key from an address after maxKeyFailures, only from there, and only for a while', () => {
    let t = 1_000_000;
    const limiter = new AddressLimiter(() => t, 60, 100, 600_000, 3, 120_000);
    expect(limiter.keyFailure('10.0.0.1', 'fp-a')).toBeNull();
    expect(limiter.keyFailure('10.0.0.1', 'fp-a')).toBeNull();
    expect(limiter.keyBlockedUntil('10.0.0.1', 'fp-a')).toBeNull();
    expect(limiter.keyFailure('10.0.0.1', 'fp-a')).toBe(t + 120_000);
    expect(limiter.keyBlockedUntil('10.0.0.1', 'fp-a')).toBe(t + 120_000);
    expect(limiter.keyBlockedUntil('10.0.0.2', 'fp-a')).toBeNull();
    expect(limiter.keyBlockedUntil('10.0.0.1', 'fp-b')).toBeNull();
    t += 120_001;
    expect(limiter.keyBlockedUntil('10.0.0.1', 'fp-a')).toBeNull();
  });
});

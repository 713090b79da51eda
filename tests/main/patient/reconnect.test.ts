import { describe, expect, it } from 'vitest';
import { RECONNECT_CAP_MS, reconnectDelay, shouldReconnect } from '../../../src/main/patient/reconnect.js';

describe('reconnection waits', () => {
  it('double from 1 s up to the 30 s cap, each between half and all of its ceiling', () => {
    const ceilings = [1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000];
    ceilings.forEach((ceiling, i) => {
      expect(reconnectDelay(i + 1, () => 0)).toBe(ceiling / 2);
      expect(reconnectDelay(i + 1, () => 1)).toBe(ceiling);
      expect(reconnectDelay(i + 1, () => 0.5)).toBe((ceiling * 3) / 4);
    });
    expect(reconnectDelay(10_000, () => 0.999)).toBeLessThanOrEqual(RECONNECT_CAP_MS);
    // A broken random source cannot push a wait outside its range.
    expect(reconnectDelay(3, () => Number.NaN)).toBeGreaterThanOrEqual(2_000);
    expect(reconnectDelay(3, () => 7)).toBe(4_000);
  });

  it('spread patients cut off together over the wait (jitter)', () => {
    let seed = 42;
    const random = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const first = Array.from({ length: 200 }, () => reconnectDelay(1, random));
    expect(new Set(first).size).toBeGreaterThan(100);
    expect(Math.min(...first)).toBeGreaterThanOrEqual(500);
    expect(Math.max(...first)).toBeLessThanOrEqual(1_000);
  });

  it('retry what may pass, never a block, a leave or a decision that needs a person', () => {
    for (const code of ['CLOSED', 'UNREACHABLE', 'SHUTDOWN', 'HANDSHAKE_TIMEOUT', 'CONFERENCE_FULL', 'RATE_LIMITED', 'BAD_SIGNATURE', 'x']) {
      expect(shouldReconnect({ state: 'disconnected', code }), code).toBe(true);
    }
    for (const code of ['LEFT', 'CANCELLED', 'REJECTED', 'KEY_REPLACED', 'APPROVAL_TIMEOUT', 'PENDING_KEY_CHANGE', 'DOCTOR_KEY_CHANGED', 'BLOCKED']) {
      expect(shouldReconnect({ state: 'disconnected', code }), code).toBe(false);
    }
    expect(shouldReconnect({ state: 'blocked', code: 'CLOSED' })).toBe(false);
    expect(shouldReconnect({ state: 'key-changed', code: 'CLOSED' })).toBe(false);
  });
});

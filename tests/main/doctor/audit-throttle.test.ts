import { describe, expect, it } from 'vitest';
import { AuditThrottle } from '../../../src/main/doctor/audit-throttle.js';

describe('AuditThrottle', () => {
  it('writes a few rows a minute per source, counts the rest, and reports the count with the next row', () => {
    let t = 0;
    const throttle = new AuditThrottle(() => t, 3, 60_000);
    expect([1, 2, 3, 4, 5].map(() => throttle.admit('10.0.0.1').write)).toEqual([true, true, true, false, false]);
    expect(throttle.admit('10.0.0.2')).toEqual({ write: true, note: '' }); // another source is not affected
    t += 60_000;
    const next = throttle.admit('10.0.0.1');
    expect(next.write).toBe(true);
    expect(next.note).toMatch(/\[2 more such rows from this address in the minute before were counted, not recorded\]/);
    expect(throttle.admit('10.0.0.1').note).toBe('');
  });
});

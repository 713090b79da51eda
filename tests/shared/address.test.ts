import { describe, expect, it } from 'vitest';
import { hostPort } from '../../src/shared/address.js';

describe('hostPort', () => {
  it('brackets an IPv6 address and leaves names and IPv4 addresses as they are', () => {
    expect(hostPort('fd00::1', 5050)).toBe('[fd00::1]:5050');
    expect(hostPort('::1', '5050')).toBe('[::1]:5050');
    expect(hostPort('fe80::1%eth0', 1)).toBe('[fe80::1%eth0]:1');
    expect(hostPort('[fd00::1]', 5050)).toBe('[fd00::1]:5050');
    expect(hostPort('127.0.0.1', 5050)).toBe('127.0.0.1:5050');
    expect(hostPort('clinic.example', 443)).toBe('clinic.example:443');
  });
});

import { describe, expect, it } from 'vitest';
import { ConnectionGate } from '../../../src/main/doctor/connection-gate.js';

describe('ConnectionGate', () => {
  it('caps unfinished connections per address; admitted ones stop counting', () => {
    const gate = new ConnectionGate({ maxConnections: 100, maxUnauthenticatedPerAddress: 2 });
    expect(gate.open('10.0.0.1')).toBeNull();
    expect(gate.open('10.0.0.1')).toBeNull();
    expect(gate.open('10.0.0.1')).toEqual({
      code: 'TOO_MANY_CONNECTIONS',
      detail: 'too many unfinished connections from 10.0.0.1 (2, the cap)',
      source: '10.0.0.1',
    });
    expect(gate.open('10.0.0.2')).toBeNull(); // another address is not affected
    gate.authenticated('10.0.0.1');
    expect(gate.open('10.0.0.1')).toBeNull();
    gate.closed('10.0.0.1', false);
    expect(gate.open('10.0.0.1')).toBeNull();
    expect(gate.connections).toBe(4);
  });

  it('counts IPv6 addresses of one /64 together', () => {
    const gate = new ConnectionGate({ maxConnections: 100, maxUnauthenticatedPerAddress: 1 });
    expect(gate.open('fd00::1')).toBeNull();
    expect(gate.open('fd00::2')).toMatchObject({ code: 'TOO_MANY_CONNECTIONS' });
    expect(gate.open('fd00:0:0:1::1')).toBeNull();
  });

  it('caps all connections with CONFERENCE_FULL and frees a place on close', () => {
    const gate = new ConnectionGate({ maxConnections: 2, maxUnauthenticatedPerAddress: 10 });
    expect(gate.open('10.0.0.1')).toBeNull();
    expect(gate.open('10.0.0.2')).toBeNull();
    expect(gate.open('10.0.0.3')).toMatchObject({ code: 'CONFERENCE_FULL', detail: 'conference full (2 connections, the cap)' });
    gate.closed('10.0.0.1', false);
    expect(gate.open('10.0.0.3')).toBeNull();
  });
});

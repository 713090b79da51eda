import { describe, expect, it } from 'vitest';
import { ConnectionGate } from '../../../src/main/doctor/connection-gate.js';

describe('ConnectionGate', () => {
  it('caps unfinished connections per address; admitted ones stop counting', () => {
    const gate = new ConnectionGate(() => 0, { maxConnections: 100, maxUnauthenticatedPerAddress: 2 });
    expect(gate.open('10.0.0.1')).toBeNull();
    expect(gate.open('10.0.0.1')).toBeNull();
    expect(gate.open('10.0.0.1')).toMatchObject({ code: 'TOO_MANY_CONNECTIONS' });
    expect(gate.open('10.0.0.2')).toBeNull(); // another address is not affected
    gate.authenticated('10.0.0.1');
    expect(gate.open('10.0.0.1')).toBeNull();
    gate.closed('10.0.0.1', false);
    expect(gate.open('10.0.0.1')).toBeNull();
    expect(gate.connections).toBe(4);
  });

  it('caps all connections with CONFERENCE_FULL and frees a place on close', () => {
    const gate = new ConnectionGate(() => 0, { maxConnections: 2, maxUnauthenticatedPerAddress: 10 });
    expect(gate.open('10.0.0.1')).toBeNull();
    expect(gate.open('10.0.0.2')).toBeNull();
    expect(gate.open('10.0.0.3')).toMatchObject({ code: 'CONFERENCE_FULL' });
    gate.closed('10.0.0.1', false);
    expect(gate.open('10.0.0.3')).toBeNull();
  });

  it('records the first refusal a minute per address and reason, and counts the rest', () => {
    let t = 0;
    const gate = new ConnectionGate(() => t, { maxConnections: 10, maxUnauthenticatedPerAddress: 0 });
    expect(gate.open('10.0.0.1')?.auditDetail).toMatch(/too many unfinished connections from 10\.0\.0\.1/);
    expect(gate.open('10.0.0.1')?.auditDetail).toBeNull();
    expect(gate.open('10.0.0.1')?.auditDetail).toBeNull();
    expect(gate.open('10.0.0.5')?.auditDetail).not.toBeNull();
    t += 60_000;
    expect(gate.open('10.0.0.1')?.auditDetail).toMatch(/2 more refused since the last such record/);
  });
});

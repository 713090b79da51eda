// Pure display helpers of the renderer: countdowns, ports, the CSV file name, chart axis steps.
import { describe, expect, it } from 'vitest';
import { niceStep } from '../../src/renderer/common/BarChart.js';
import { auditCsvFilename, describeCountdown, formatCountdown, parsePort } from '../../src/renderer/common/format.js';
import { describeChanges } from '../../src/renderer/doctor/changes.js';
import type { DoctorSnapshot } from '../../src/shared/contract.js';

describe('formatCountdown', () => {
  it('shows mm:ss, rounds up partial seconds and never goes negative', () => {
    expect(formatCountdown(120_000)).toBe('02:00');
    expect(formatCountdown(61_001)).toBe('01:02');
    expect(formatCountdown(999)).toBe('00:01');
    expect(formatCountdown(-5_000)).toBe('00:00');
    expect(formatCountdown(7_200_000)).toBe('120:00');
  });
  it('has a spoken form', () => {
    expect(describeCountdown(65_000)).toBe('1 minute 5 seconds');
    expect(describeCountdown(120_000)).toBe('2 minutes');
    expect(describeCountdown(0)).toBe('0 seconds');
  });
});

describe('parsePort', () => {
  it('accepts 1..65535 and nothing else', () => {
    expect(parsePort('5050')).toBe(5050);
    expect(parsePort(' 1 ')).toBe(1);
    for (const bad of ['0', '65536', '-1', '50.5', 'abc', '', '1e3']) expect(parsePort(bad)).toBeNull();
  });
});

describe('auditCsvFilename', () => {
  it('names the export medchat-audit-YYYYMMDD.csv in local time', () => {
    expect(auditCsvFilename(new Date(2025, 2, 4, 23, 59))).toBe('medchat-audit-20250304.csv');
  });
});

describe('niceStep', () => {
  it('picks a round step for about four grid lines', () => {
    expect(niceStep(0.0285)).toBeCloseTo(0.01);
    expect(niceStep(3.2)).toBe(1);
    expect(niceStep(1234)).toBe(500);
    expect(niceStep(0)).toBe(1);
  });
});

describe('describeChanges', () => {
  const base: DoctorSnapshot = {
    status: { listening: true, host: '127.0.0.1', port: 5050, policy: 'ask', rekeyBeforeBroadcast: true, epoch: 1, fingerprints: [], resume: null, connections: { open: 0, admitted: 0, unfinished: 0 } },
    patients: [],
    pending: [],
    blocks: [],
    broadcasts: [],
  };
  const row = (id: string, stage: 'hello' | 'admitted') => ({
    id, address: '127.0.0.1:1', stage, connectedAt: 0, admittedAt: null, fingerprint: null, lastDeliveredSeq: null, lastDeliveryAt: null, lastHeardAt: null, unreachable: false,
  });
  it('announces approvals asked for, admissions and departures', () => {
    const before = { ...base, patients: [row('a', 'admitted'), row('b', 'hello')] };
    const after = {
      ...base,
      patients: [row('b', 'admitted')],
      pending: [
        {
          id: 'c', kind: 'new-patient' as const, address: '127.0.0.1:2', fingerprint: '1', requestedAt: 0,
          expiresAt: 300_000, pinnedFingerprint: null, pinnedAt: null, similarTo: [],
        },
      ],
    };
    expect(describeChanges(before, after)).toEqual([
      'Patient c asks to join and waits for your approval. Patient b admitted. Patient a left the conference.',
    ]);
    expect(describeChanges(after, after)).toEqual([]);
  });
});

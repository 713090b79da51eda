import { describe, expect, it } from 'vitest';
import { auditCsv, csvCell } from '../../../src/main/store/audit-csv.js';
import { T0, testStore } from './helpers.js';

describe('csvCell', () => {
  it('quotes cells with commas, quotes or line breaks and doubles inner quotes (RFC 4180)', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
  });

  it('neutralises formula injection with a leading single quote', () => {
    expect(csvCell('=HYPERLINK("http://evil","x")')).toBe('"\'=HYPERLINK(""http://evil"",""x"")"');
    expect(csvCell('+1')).toBe("'+1");
    expect(csvCell('-2+3')).toBe("'-2+3");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell('\tcmd')).toBe("'\tcmd");
    expect(csvCell('a=b')).toBe('a=b');
  });
});

describe('auditCsv and audit.toCsv', () => {
  it('writes the header and one CRLF-terminated record per entry', () => {
    const csv = auditCsv([{ seq: 7, at: T0, kind: 'join', patientId: 'p1', address: '127.0.0.1:1', detail: 'ok' }]);
    expect(csv).toBe('seq,at_iso,kind,patient_id,address,detail\r\n7,2025-01-15T09:30:00.000Z,join,p1,127.0.0.1:1,ok\r\n');
  });

  it('exports the filtered log newest first with neutralised cells', () => {
    const { store } = testStore();
    store.audit.append({ kind: 'join', patientId: '-p1', detail: '=cmd|"/c calc"!A1' });
    store.audit.append({ kind: 'exit', patientId: 'p2', detail: 'left, politely' });
    store.audit.append({ kind: 'join', patientId: 'p3' });
    const lines = store.audit.toCsv({ kind: 'join' }).split('\r\n');
    expect(lines).toEqual([
      'seq,at_iso,kind,patient_id,address,detail',
      '3,2025-01-15T09:30:00.000Z,join,p3,,',
      `1,2025-01-15T09:30:00.000Z,join,'-p1,,"'=cmd|""/c calc""!A1"`,
      '',
    ]);
    expect(store.audit.toCsv().split('\r\n')[2]).toBe('2,2025-01-15T09:30:00.000Z,exit,p2,,"left, politely"');
  });
});

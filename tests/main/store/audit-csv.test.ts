import { describe, expect, it } from 'vitest';
import { auditCsv, csvCell } from '../../../src/main/store/audit-csv.js';
import { T0, testStore } from './helpers.js';

describe('csvCell', () => {
  it('quotes cells with commas or quotes and doubles inner quotes (RFC 4180)', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
  });

  it('writes line breaks, controls and invisible characters as visible escapes', () => {
    expect(csvCell('two\nlines')).toBe('two\\nlines');
    expect(csvCell('a\r\nb,c')).toBe('"a\\r\\nb,c"');
    expect(csvCell('x\x1b[2J\x85')).toBe('x\\u{001B}[2J\\u{0085}');
    expect(csvCell('invoice\u202Efdp.exe')).toBe('invoice\\u{202E}fdp.exe');
    expect(csvCell('a\u2066b\u2069\u2028\u2029\uFEFF\u200B\u200D')).toBe('a\\u{2066}b\\u{2069}\\u{2028}\\u{2029}\\u{FEFF}\\u{200B}\\u{200D}');
    expect(csvCell('lone \ud800')).toBe('lone \\u{D800}');
    expect(csvCell('C:\\path')).toBe('C:\\path'); // the row's own escapes are kept as written
    expect(csvCell('Grüße שלום مرحبا 漢字 👍')).toBe('Grüße שלום مرحبا 漢字 👍');
    expect(csvCell('x'.repeat(1000))).toBe('x'.repeat(1000)); // never cut
  });

  it('neutralises formula injection with a leading single quote', () => {
    expect(csvCell('=HYPERLINK("http://evil","x")')).toBe('"\'=HYPERLINK(""http://evil"",""x"")"');
    expect(csvCell('+1')).toBe("'+1");
    expect(csvCell('-2+3')).toBe("'-2+3");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell('\tcmd')).toBe("'\\tcmd");
    expect(csvCell('\r=1+1')).toBe("'\\r=1+1");
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

  it("keeps a peer-written detail on its own row", () => {
    const { store } = testStore();
    store.audit.append({ kind: 'disconnect', patientId: 'p1', detail: 'bye\n9,2025-01-15T09:30:00.000Z,admitted,mallory,,pinned\u2028\t' });
    expect(store.audit.toCsv().split('\r\n')).toEqual([
      'seq,at_iso,kind,patient_id,address,detail',
      '1,2025-01-15T09:30:00.000Z,disconnect,p1,,"bye\\n9,2025-01-15T09:30:00.000Z,admitted,mallory,,pinned\\u{2028}\\t"',
      '',
    ]);
  });
});

import { describe, expect, it } from 'vitest';
import { storeFault } from '../../../src/main/store/index.js';

describe('storeFault', () => {
  it('names the data folder and what to do for each kind of disk failure, and nothing else', () => {
    const cases: [string, string][] = [
      ['SQLITE_FULL', 'DISK_FULL'],
      ['ENOSPC', 'DISK_FULL'],
      ['SQLITE_READONLY_DBMOVED', 'READ_ONLY'],
      ['EROFS', 'READ_ONLY'],
      ['EACCES', 'READ_ONLY'],
      ['SQLITE_CORRUPT', 'DB_CORRUPT'],
      ['SQLITE_NOTADB', 'DB_CORRUPT'],
      ['SQLITE_IOERR_WRITE', 'IO_ERROR'],
      ['EIO', 'IO_ERROR'],
    ];
    for (const [code, expected] of cases) {
      const fault = storeFault(Object.assign(new Error('x'), { code }), '/data/doctor');
      expect(fault?.code, code).toBe(expected);
      expect(fault?.message).toMatch(new RegExp(`^The data folder /data/doctor: .+ \\(${code}\\)\\.$`));
    }
    for (const other of [new Error('no code'), Object.assign(new Error('x'), { code: 'ECONNRESET' }), null, 'text', { code: 5 }]) {
      expect(storeFault(other, '/d')).toBeNull();
    }
  });
});

import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { appLogPath, LOG_DIR_NAME, LOG_FILE_NAME, LOG_LINE_MAX_CHARS, openAppLog, redactLine } from '../../../src/main/service/log.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function dataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'medchat-log-'));
  dirs.push(dir);
  return join(dir, 'data');
}

const T = Date.UTC(2025, 0, 15, 9, 30, 0);

describe('application log', () => {
  it('creates logs/medchat.log (owner-only) in the data folder, one timestamped line per call, echoed', () => {
    const dir = dataDir();
    const echoed: string[] = [];
    const log = openAppLog(dir, { now: () => T, echo: (line) => echoed.push(line) });
    log.log('runtime: started');
    log.log('ipc: doctor.listen failed: Error: boom');
    log.close();
    const file = join(dir, LOG_DIR_NAME, LOG_FILE_NAME);
    expect(log.path).toBe(file);
    expect(appLogPath(dir)).toBe(file);
    expect(readFileSync(file, 'utf8')).toBe('2025-01-15T09:30:00.000Z runtime: started\n2025-01-15T09:30:00.000Z ipc: doctor.listen failed: Error: boom\n');
    expect(echoed).toEqual(['runtime: started', 'ipc: doctor.listen failed: Error: boom']);
    if (process.platform !== 'win32') {
      expect(statSync(file).mode & 0o777).toBe(0o600);
      expect(statSync(join(dir, LOG_DIR_NAME)).mode & 0o777).toBe(0o700);
    }
  });

  it('appends to the file a previous run left', () => {
    const dir = dataDir();
    const first = openAppLog(dir, { now: () => T, echo: false });
    first.log('one');
    first.close();
    const second = openAppLog(dir, { now: () => T, echo: false });
    second.log('two');
    second.close();
    expect(readFileSync(appLogPath(dir), 'utf8')).toBe(`${new Date(T).toISOString()} one\n${new Date(T).toISOString()} two\n`);
  });

  it('rotates at its size limit and keeps N files, the oldest dropped', () => {
    const dir = dataDir();
    const maxBytes = 200;
    const log = openAppLog(dir, { now: () => T, echo: false, maxBytes, keepFiles: 3 });
    // 24 + 1 + 48 + 1 = 74 bytes a line: two lines fit in 200 bytes, a third rotates.
    for (let i = 0; i < 20; i++) log.log(`line ${String(i).padStart(2, '0')} ${'x'.repeat(40)}`);
    log.close();
    const logs = join(dir, LOG_DIR_NAME);
    expect(readdirSync(logs).sort()).toEqual([LOG_FILE_NAME, `${LOG_FILE_NAME}.1`, `${LOG_FILE_NAME}.2`]);
    for (const name of readdirSync(logs)) expect(statSync(join(logs, name)).size).toBeLessThanOrEqual(maxBytes);
    const lines = (name: string): string[] => readFileSync(join(logs, name), 'utf8').trim().split('\n').map((l) => l.split(' ')[2]!);
    expect(lines(LOG_FILE_NAME)).toEqual(['18', '19']);
    expect(lines(`${LOG_FILE_NAME}.1`)).toEqual(['16', '17']);
    expect(lines(`${LOG_FILE_NAME}.2`)).toEqual(['14', '15']);
  });

  it('writes a line with control characters inert: one line, no escape sequence, no fake second line', () => {
    const dir = dataDir();
    const echoed: string[] = [];
    const log = openAppLog(dir, { now: () => T, echo: (line) => echoed.push(line) });
    log.log('peer said: ok\n2025-01-15T09:30:00.000Z [admitted] mallory\u001b[2K\u202e\u0007');
    log.close();
    const text = readFileSync(appLogPath(dir), 'utf8');
    expect(text.split('\n')).toHaveLength(2); // one line and the final newline
    // eslint-disable-next-line no-control-regex -- checking that no control character is left
    expect(text.slice(0, -1)).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e]/);
    expect(text).toContain('peer said: ok\\n2025-01-15T09:30:00.000Z [admitted] mallory\\u{001B}[2K\\u{202E}\\u{0007}');
    expect(echoed[0]).toBe(text.slice(25, -1));
  });

  it('caps every line', () => {
    expect(redactLine('y'.repeat(LOG_LINE_MAX_CHARS + 100))).toBe('y'.repeat(LOG_LINE_MAX_CHARS) + '…');
  });

  it('falls back to stderr alone, with a line saying why, when the folder cannot hold a log', () => {
    const base = dataDir();
    writeFileSync(join(base, '..', 'not-a-folder'), 'x');
    const echoed: string[] = [];
    const log = openAppLog(join(base, '..', 'not-a-folder'), { echo: (line) => echoed.push(line) });
    expect(log.path).toBeNull();
    expect(() => log.log('still heard')).not.toThrow();
    expect(echoed[0]).toMatch(/^log: cannot write .*medchat\.log \(ENOTDIR\); logging to stderr only\.$/);
    expect(echoed[1]).toBe('still heard');
  });
});

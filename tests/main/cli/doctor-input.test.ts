import { describe, expect, it } from 'vitest';
import { nearlyEqual, parseDoctorLine } from '../../../src/main/cli/doctor-input.js';

describe('a line typed at the doctor prompt', () => {
  it('runs commands that start with /, with their arguments', () => {
    expect(parseDoctorLine('/list')).toEqual({ kind: 'command', name: 'list', args: [], rest: '' });
    expect(parseDoctorLine('  /block bob 5 ')).toEqual({ kind: 'command', name: 'block', args: ['bob', '5'], rest: 'bob 5' });
    expect(parseDoctorLine('/EXIT')).toMatchObject({ kind: 'command', name: 'quit' });
    expect(parseDoctorLine('/send list of things')).toEqual({ kind: 'command', name: 'send', args: ['list', 'of', 'things'], rest: 'list of things' });
  });

  it('never sends an unknown command, and suggests the one meant', () => {
    expect(parseDoctorLine('/lst')).toEqual({ kind: 'unknown-command', name: 'lst', suggestion: 'list' });
    expect(parseDoctorLine('/shutdown now')).toEqual({ kind: 'unknown-command', name: 'shutdown', suggestion: null });
    expect(parseDoctorLine('/')).toEqual({ kind: 'unknown-command', name: '', suggestion: null });
  });

  it('holds a line that looks like a command typed without its slash or with a typo', () => {
    for (const [line, suggestion] of [
      ['lst', 'list'],
      ['list', 'list'],
      ['Perf', 'perf'],
      ['blok bob', 'block'],
      ['block bob 5', 'block'],
      ['qiut', 'quit'],
      ['exit', 'quit'],
      ['unblock carol', 'unblock'],
      ['status?', 'status'],
    ] as const) {
      expect(parseDoctorLine(line), line).toEqual({ kind: 'held', suggestion });
    }
  });

  it('sends everything else as it is', () => {
    for (const line of ['Good morning, everyone.', 'Hello', 'Please list your symptoms', 'ok', 'Block 3 is open from nine today', '/ is a slash']) {
      const parsed = parseDoctorLine(line);
      if (line.startsWith('/')) expect(parsed.kind).toBe('unknown-command');
      else expect(parsed, line).toEqual({ kind: 'broadcast', text: line });
    }
    expect(parseDoctorLine('   ')).toEqual({ kind: 'empty' });
  });

  it('nearlyEqual: one insertion, deletion, substitution or swap', () => {
    expect(nearlyEqual('list', 'lst')).toBe(true);
    expect(nearlyEqual('list', 'lsit')).toBe(true);
    expect(nearlyEqual('list', 'lisst')).toBe(true);
    expect(nearlyEqual('list', 'lost')).toBe(true);
    expect(nearlyEqual('list', 'lt')).toBe(false);
    expect(nearlyEqual('help', 'hello')).toBe(false);
    expect(nearlyEqual('perf', 'prfe')).toBe(false);
  });
});

// The one argument parser (src/main/cli/args.ts): strict for the medchat commands, lenient for
// the desktop shell, and a usage text that lists exactly the declared options.
import { describe, expect, it } from 'vitest';
import { defineCommand, USAGE_EXIT_CODE, UsageError } from '../../../src/main/cli/args.js';
import { DOCTOR_COMMAND } from '../../../src/main/cli/doctor-command.js';
import { PATIENT_COMMAND } from '../../../src/main/cli/patient-command.js';
import { AUDIT_COMMAND, FINGERPRINT_COMMAND, PERF_COMMAND } from '../../../src/main/cli/records-commands.js';
import { WEB_COMMAND } from '../../../src/main/cli/web-command.js';

const demo = defineCommand({
  name: 'medchat demo',
  options: {
    id: { type: 'string', value: 'ID', required: true },
    role: { type: 'string', choices: ['doctor', 'patient'] },
    group: { type: 'string', choices: ['a', 'b', 'c'] },
    'data-dir': { type: 'string', value: 'DIR' },
    verbose: { type: 'boolean' },
  },
  notes: 'Says hello.',
});

describe('defineCommand: usage', () => {
  it('lists every declared option in order, required ones without brackets, then the notes', () => {
    expect(demo.usage).toBe('Usage: medchat demo --id ID [--role doctor|patient] [--group a|b|c] [--data-dir DIR] [--verbose]\nSays hello.');
  });

  it('wraps long synopses under the first option', () => {
    const lines = DOCTOR_COMMAND.usage.split('\n');
    expect(lines[0]).toMatch(/^Usage: medchat doctor \[--host 127\.0\.0\.1\] /);
    expect(lines[1]).toMatch(/^ {22}\[--/);
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(100);
  });

  it('cannot leave out an option a command takes', () => {
    for (const command of [DOCTOR_COMMAND, PATIENT_COMMAND, AUDIT_COMMAND, PERF_COMMAND, FINGERPRINT_COMMAND, WEB_COMMAND]) {
      for (const flag of Object.keys(command.options)) expect(command.usage, command.name).toContain(`--${flag}`);
    }
    expect(WEB_COMMAND.usage).toContain('[--allow-remote]');
  });
});

describe('defineCommand: parse (strict)', () => {
  it('reads --flag value, --flag=value, booleans and -h', () => {
    expect(demo.parse(['--id', 'ann', '--role=patient', '--verbose'])).toEqual({ id: 'ann', role: 'patient', verbose: true });
    expect(demo.parse(['-h']).help).toBe(true);
    expect(demo.parse([])).toEqual({});
  });

  it('throws a UsageError for what it does not understand', () => {
    for (const argv of [['--bogus'], ['positional'], ['--id'], ['--data-dir', '--role'], ['--verbose=yes']]) {
      expect(() => demo.parse(argv), argv.join(' ')).toThrow(UsageError);
    }
    expect(() => demo.parse(['--role', 'nurse'])).toThrow('--role must be doctor or patient, not "nurse".');
    expect(() => demo.parse(['--group', 'z'])).toThrow('--group must be one of a, b, c, not "z".');
    expect(USAGE_EXIT_CODE).toBe(64);
  });
});

describe('defineCommand: parseLenient (the desktop shell)', () => {
  it('passes over flags and arguments that belong to Electron or Chromium', () => {
    const argv = ['out/main/index.js', '--inspect=0', '--remote-debugging-port', '0', '--role', 'doctor', '--data-dir=/tmp/x', '-psn_0_1'];
    expect(demo.parseLenient(argv)).toEqual({ values: { role: 'doctor', 'data-dir': '/tmp/x' }, ignored: [] });
  });

  it('drops a value outside the choices with a line to print, and an empty value silently', () => {
    expect(demo.parseLenient(['--role', 'nurse', '--data-dir', ''])).toEqual({ values: {}, ignored: ['--role "nurse" (use doctor or patient)'] });
    expect(demo.parseLenient(['--role'])).toEqual({ values: {}, ignored: ['--role "" (use doctor or patient)'] });
    expect(demo.parseLenient(['--data-dir'])).toEqual({ values: {}, ignored: [] });
  });
});

/**
 * The one argument parser of every command line: the `medchat` commands (`web` included) and the
 * desktop shell's own flags (src/main/app/main.ts; this module imports nothing from Electron).
 * A command declares its options once (`defineCommand`); node:util parseArgs and the usage text
 * both derive from that declaration, so the usage cannot leave out an option the command takes,
 * and a choice list is checked where it is shown. Value checks (ports, numbers, hosts) follow.
 */
import { parseArgs } from 'node:util';
import { join } from 'node:path';
import { defaultDataDir } from '../service/paths.js';

/** The exit code of every usage error (EX_USAGE, sysexits.h). */
export const USAGE_EXIT_CODE = 64;

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export interface OptionSpec {
  readonly type: 'string' | 'boolean';
  /** How the usage shows a string option's value: a placeholder (DIR, N) or the default (5050). */
  readonly value?: string;
  /** The only values a string option takes; the usage lists them (a|b) and the parser checks them. */
  readonly choices?: readonly string[];
  /** Shown without brackets. The command checks it, with a message that says what a valid value is. */
  readonly required?: boolean;
}

export type OptionSpecs = Readonly<Record<string, OptionSpec>>;

type ValueOf<S extends OptionSpec> = S['type'] extends 'boolean' ? boolean : S extends { readonly choices: readonly (infer C)[] } ? C : string;

/** What a command gets: each declared option (absent when not given), and whether help was asked for. */
export type Values<O extends OptionSpecs> = { [K in keyof O]?: ValueOf<O[K]> } & { help?: boolean };

export interface CommandSpec<O extends OptionSpecs> {
  /** How a person types it: 'medchat web'. */
  readonly name: string;
  readonly options: O;
  /** Lines after the synopsis: what the command does, its interactive commands. */
  readonly notes?: string;
}

export interface Command<O extends OptionSpecs> extends CommandSpec<O> {
  /** The synopsis (every declared option, in declaration order), then the notes. */
  readonly usage: string;
  /**
   * Strict: an unknown option, a positional argument, a missing value or a value outside the
   * choices throws a UsageError. -h and --help set `help`.
   */
  parse(argv: readonly string[]): Values<O>;
  /**
   * Lenient, for a program that shares its command line with others (Electron and Chromium have
   * flags of their own): ignores what it does not declare and positional arguments, treats an
   * empty value as absent, and drops a value outside the choices with a line in `ignored`.
   */
  parseLenient(argv: readonly string[]): { values: Values<O>; ignored: string[] };
}

const USAGE_WIDTH = 100;

function synopsis(name: string, options: OptionSpecs): string {
  const words = Object.entries(options).map(([flag, o]) => {
    const text = o.type === 'boolean' ? `--${flag}` : `--${flag} ${o.choices ? o.choices.join('|') : (o.value ?? 'VALUE')}`;
    return o.required ? text : `[${text}]`;
  });
  const head = `Usage: ${name}`;
  const lines = [head];
  for (const word of words) {
    const last = lines.length - 1;
    if (lines[last]!.length + 1 + word.length > USAGE_WIDTH && lines[last]!.trim() !== '') lines.push(' '.repeat(head.length) + ' ' + word);
    else lines[last] += ' ' + word;
  }
  return lines.join('\n');
}

const allowed = (choices: readonly string[]): string => (choices.length === 2 ? `${choices[0]} or ${choices[1]}` : `one of ${choices.join(', ')}`);

export function defineCommand<const O extends OptionSpecs>(spec: CommandSpec<O>): Command<O> {
  const config: Record<string, { type: 'string' | 'boolean'; short?: string }> = {};
  for (const [flag, o] of Object.entries(spec.options)) config[flag] = { type: o.type };
  config['help'] = { type: 'boolean', short: 'h' };
  const usage = synopsis(spec.name, spec.options) + (spec.notes ? `\n${spec.notes}` : '');

  return {
    ...spec,
    usage,
    parse(argv) {
      let values: Record<string, unknown>;
      try {
        ({ values } = parseArgs({ args: [...argv], options: config, strict: true, allowPositionals: false }));
      } catch (error) {
        throw new UsageError((error as Error).message);
      }
      for (const [flag, o] of Object.entries(spec.options)) {
        const value = values[flag];
        if (o.choices && typeof value === 'string' && !o.choices.includes(value)) throw new UsageError(`--${flag} must be ${allowed(o.choices)}, not "${value}".`);
      }
      return values as Values<O>;
    },
    parseLenient(argv) {
      const { values: raw } = parseArgs({ args: [...argv], options: config, strict: false, allowPositionals: true });
      const values: Record<string, unknown> = {};
      const ignored: string[] = [];
      for (const [flag, o] of Object.entries(spec.options)) {
        const given = raw[flag];
        if (given === undefined) continue;
        if (o.type === 'boolean') {
          values[flag] = given === true;
          continue;
        }
        // Without strict mode, a string option with nothing after it comes back as `true`.
        const value = typeof given === 'string' ? given : '';
        if (o.choices && !o.choices.includes(value)) ignored.push(`--${flag} "${value}" (use ${allowed(o.choices)})`);
        else if (value !== '') values[flag] = value;
      }
      if (raw['help'] === true) values['help'] = true;
      return { values: values as Values<O>, ignored };
    },
  };
}

export function port(value: string | undefined, fallback: number, allowZero = false): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!/^\d{1,5}$/.test(value) || n > 65535 || (n === 0 && !allowZero)) throw new UsageError(`--port must be a number from ${allowZero ? 0 : 1} to 65535, not "${value}".`);
  return n;
}

export function positiveNumber(name: string, value: string | undefined, fallback: number, max: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!/^\d+(\.\d+)?$/.test(value) || n <= 0 || n > max) throw new UsageError(`${name} must be a number above 0 and at most ${max}, not "${value}".`);
  return n;
}

/** A whole number from 1 to max, or the fallback when the option is absent. */
export function wholeNumber(name: string, value: string | undefined, fallback: number, max: number): number {
  const n = positiveNumber(name, value, fallback, max);
  if (!Number.isInteger(n)) throw new UsageError(`${name} must be a whole number from 1 to ${max}.`);
  return n;
}

export function host(value: string | undefined, fallback: string): string {
  const h = value ?? fallback;
  if (!/^[A-Za-z0-9.:-]{1,253}$/.test(h)) throw new UsageError(`--host must be a host name or IP address, not "${h}".`);
  return h;
}

/** Each role keeps its own folder under the platform's app-data path unless --data-dir says otherwise. */
export function dataDir(value: string | undefined, role: 'doctor' | 'patient', patientId?: string): string {
  if (value) return value;
  return join(defaultDataDir(), role === 'doctor' ? 'doctor' : `patient-${patientId ?? 'default'}`);
}

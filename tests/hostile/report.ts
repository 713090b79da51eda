/**
 * What a hostile client prints: one JSON object a line on stdout, so the test that started it
 * (in another process) can read what the doctor answered. Arguments are `--name value` pairs.
 */
export function report(event: string, data: Record<string, unknown> = {}): void {
  process.stdout.write(JSON.stringify({ event, ...data }, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString(16) : v)) + '\n');
}

export function options(argv = process.argv.slice(2)): Map<string, string> {
  const out = new Map<string, string>();
  for (let i = 0; i < argv.length; i += 2) {
    const name = argv[i];
    const value = argv[i + 1];
    if (!name?.startsWith('--') || value === undefined) throw new Error(`usage: --name value pairs; got ${argv.join(' ')}`);
    out.set(name.slice(2), value);
  }
  return out;
}

export function need(opts: Map<string, string>, name: string): string {
  const value = opts.get(name);
  if (value === undefined) throw new Error(`--${name} is required`);
  return value;
}

/** Parses the lines a hostile process printed. */
export function events(lines: string[]): { event: string; [key: string]: unknown }[] {
  return lines.filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as { event: string });
}

/**
 * The cryptographic primitives whose cost both sides measure and show (the seed's
 * "Performance Metrics" table), shared by the engine, the store, the CLI and the UI.
 */
export const PRIMITIVES = [
  'KeyPair Generation',
  'Signature Generation',
  'Signature Verification',
  'ElGamal Encryption',
  'ElGamal Decryption',
  'Hash Computation',
  'HMAC Computation',
  'AES Encryption',
  'AES Decryption',
  'Group Key Distribution',
  'Group Validation',
  'Group Generation',
] as const;

export type Primitive = (typeof PRIMITIVES)[number];

export interface PerfRow {
  primitive: Primitive;
  calls: number;
  totalMs: number;
  avgMs: number;
  maxMs: number;
}

export function isPrimitive(value: unknown): value is Primitive {
  return typeof value === 'string' && (PRIMITIVES as readonly string[]).includes(value);
}

/** The seed's table: Primitive | Avg Time (ms) | Calls, as fixed-width text. */
export function formatPerfTable(rows: readonly PerfRow[], title?: string): string {
  const header = ['Primitive', 'Avg Time (ms)', 'Calls'];
  const body = rows.map((row) => [row.primitive, row.avgMs.toFixed(4), String(row.calls)]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((line) => line[i]!.length)));
  const line = (cells: string[]): string => '| ' + cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ') + ' |';
  const rule = '|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|';
  const out = [line(header), rule, ...body.map(line)];
  if (title) out.unshift(title);
  return out.join('\n');
}

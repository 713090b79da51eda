/**
 * The read-only commands: `medchat audit` (query, CSV, --verify of the hash chain), `medchat perf`
 * (performance history) and `medchat fingerprint` (this instance's key fingerprints).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { findStandardGroup } from '../crypto/index.js';
import { sha256 } from '../crypto/hash.js';
import { keyFingerprint } from '../protocol/index.js';
import { DB_FILE_NAME, openStoreFile } from '../store/index.js';
import { formatPerfTable } from '../../shared/metrics.js';
import { printableLine } from '../../shared/peer-text.js';
import type { AuditQuery, Role } from '../../shared/contract.js';
import { dataDir, parse, positiveNumber, UsageError } from './args.js';

export const AUDIT_USAGE = `Usage: medchat audit [--data-dir DIR | --db FILE] [--role doctor|patient] [--id PATIENT_ID]
                     [--kind KIND] [--patient ID] [--text WORDS] [--limit N] [--csv] [--verify]`;
export const PERF_USAGE = 'Usage: medchat perf [--data-dir DIR] [--role doctor|patient] [--id PATIENT_ID] [--limit N]';
export const FINGERPRINT_USAGE = 'Usage: medchat fingerprint [--data-dir DIR] [--role doctor|patient] [--id PATIENT_ID]';

const common = {
  'data-dir': { type: 'string' },
  role: { type: 'string' },
  id: { type: 'string' },
} as const;

function role(value: string | undefined): Role {
  if (value === undefined || value === 'doctor' || value === 'patient') return value ?? 'doctor';
  throw new UsageError('--role must be doctor or patient.');
}

function openDb(values: { 'data-dir'?: string; role?: string; id?: string; db?: string }) {
  const path = values.db ?? join(dataDir(values['data-dir'], role(values.role), values.id), DB_FILE_NAME);
  if (!existsSync(path)) throw new UsageError(`No database at ${path}.`);
  return openStoreFile(path, { readonly: true });
}

export function runAuditCommand(argv: string[]): number {
  const { values } = parse(argv, {
    ...common,
    db: { type: 'string' },
    kind: { type: 'string' },
    patient: { type: 'string' },
    text: { type: 'string' },
    limit: { type: 'string' },
    csv: { type: 'boolean' },
    verify: { type: 'boolean' },
  });
  if (values.help) {
    console.log(AUDIT_USAGE);
    return 0;
  }
  const store = openDb(values);
  try {
    if (values.verify) {
      const result = store.audit.verify();
      console.log(result.ok ? `Audit chain verified: ${result.rows} rows intact.` : `AUDIT CHAIN BROKEN: ${result.problem}`);
      return result.ok ? 0 : 4;
    }
    const query: AuditQuery = {
      ...(values.kind ? { kind: values.kind } : {}),
      ...(values.patient ? { patientId: values.patient } : {}),
      ...(values.text ? { text: values.text } : {}),
      limit: positiveNumber('--limit', values.limit, 200, 10000),
    };
    if (values.csv) {
      process.stdout.write(store.audit.toCsv(query));
      return 0;
    }
    for (const e of store.audit.query(query).reverse()) {
      // The detail can carry text a peer chose: one printed line per row, nothing invisible.
      console.log(printableLine(`${String(e.seq).padStart(6)} ${new Date(e.at).toISOString()} ${e.kind.padEnd(18)} ${(e.patientId ?? '-').padEnd(12)} ${e.detail}`));
    }
    return 0;
  } finally {
    store.close();
  }
}

export function runPerfCommand(argv: string[]): number {
  const { values } = parse(argv, { ...common, limit: { type: 'string' } });
  if (values.help) {
    console.log(PERF_USAGE);
    return 0;
  }
  const store = openDb(values);
  try {
    const sessions = store.perf.history(role(values.role), positiveNumber('--limit', values.limit, 10, 1000));
    if (sessions.length === 0) console.log('No performance history yet.');
    for (const s of sessions) {
      const end = s.endedAt ? new Date(s.endedAt).toISOString() : 'running';
      console.log(formatPerfTable(s.rows, `Session ${s.sessionId} (${s.role}) ${new Date(s.startedAt).toISOString()} – ${end}`));
      console.log('');
    }
    return 0;
  } finally {
    store.close();
  }
}

export function runFingerprintCommand(argv: string[]): number {
  const { values } = parse(argv, common);
  if (values.help) {
    console.log(FINGERPRINT_USAGE);
    return 0;
  }
  const store = openDb(values);
  try {
    const keys = store.ownKeys.list();
    if (keys.length === 0) console.log('No identity keys yet: they are created at the first conference.');
    for (const k of keys) {
      const name = findStandardGroup(k.p, k.g)?.name ?? `custom ${k.p.toString(2).length}-bit`;
      console.log(`${name.padEnd(20)} ${keyFingerprint(sha256, k.p, k.g, k.y)}`);
    }
    return 0;
  } finally {
    store.close();
  }
}

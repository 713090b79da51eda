/**
 * The read-only commands: `medchat audit` (query, CSV, --verify of the hash chain), `medchat perf`
 * (performance history) and `medchat fingerprint` (this instance's key fingerprints).
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { findStandardGroup } from '../crypto/index.js';
import { sha256 } from '../crypto/hash.js';
import { keyFingerprint } from '../protocol/index.js';
import {
  AUDIT_MAX_LIMIT,
  DB_FILE_NAME,
  openFileKeyVault,
  openStoreFile,
  parseAuditCheckpoint,
  PERF_MAX_HISTORY,
  readAuditSealKey,
  storeFault,
  type Store,
} from '../store/index.js';
import { formatPerfTable } from '../../shared/metrics.js';
import { printableLine } from '../../shared/peer-text.js';
import type { AuditCheckpoint, AuditQuery, Role } from '../../shared/contract.js';
import { dataDir, defineCommand, positiveNumber, UsageError, type Command, type OptionSpecs, type Values } from './args.js';

/** Which instance's records: its data folder, its role and (for a patient) its id. */
const COMMON = {
  'data-dir': { type: 'string', value: 'DIR' },
  role: { type: 'string', choices: ['doctor', 'patient'] },
  id: { type: 'string', value: 'PATIENT_ID' },
} as const;

export const AUDIT_COMMAND = defineCommand({
  name: 'medchat audit',
  options: {
    ...COMMON,
    db: { type: 'string', value: 'FILE' },
    kind: { type: 'string', value: 'KIND' },
    patient: { type: 'string', value: 'ID' },
    text: { type: 'string', value: 'WORDS' },
    limit: { type: 'string', value: 'N' },
    csv: { type: 'boolean' },
    verify: { type: 'boolean' },
    against: { type: 'string', value: 'CHECKPOINT_FILE' },
    checkpoint: { type: 'boolean' },
  },
  notes:
    '--db FILE reads that database file instead of the one in the data folder. --verify also checks the ' +
    "checkpoint's seal with the folder's key vault (keys.json) when it is there; --checkpoint prints the " +
    'current checkpoint as JSON to keep elsewhere, and --verify --against FILE checks that the log still holds it.',
});
export const PERF_COMMAND = defineCommand({ name: 'medchat perf', options: { ...COMMON, limit: { type: 'string', value: 'N' } } });
export const FINGERPRINT_COMMAND = defineCommand({ name: 'medchat fingerprint', options: COMMON });

const role = (value: Role | undefined): Role => value ?? 'doctor';

type RecordsValues = { 'data-dir'?: string; role?: Role; id?: string; db?: string; help?: boolean };

function dbPath(values: RecordsValues): string {
  return values.db ?? join(dataDir(values['data-dir'], role(values.role), values.id), DB_FILE_NAME);
}

/** The folder's seal key: from keys.json beside the database (a copy elsewhere has none). */
function sealKeyBeside(path: string): Uint8Array | undefined {
  const vaultPath = join(dirname(path), 'keys.json');
  return existsSync(vaultPath) ? readAuditSealKey(openFileKeyVault(vaultPath)) : undefined;
}

function readCheckpoint(file: string): AuditCheckpoint {
  if (!existsSync(file) || !statSync(file).isFile()) throw new UsageError(`No checkpoint file at ${file}.`);
  if (statSync(file).size > 4096) throw new UsageError(`${file} is too large to be an audit checkpoint.`);
  return parseAuditCheckpoint(readFileSync(file, 'utf8'));
}

function openDb(values: RecordsValues): Store {
  const path = dbPath(values);
  if (!existsSync(path)) throw new UsageError(`No database at ${path}.`);
  return openStoreFile(path, { readonly: true });
}

/** Parses, answers --help, else runs `body` on the instance's store (read-only), closed after. */
function runOnStore<O extends OptionSpecs>(command: Command<O>, argv: string[], body: (store: Store, values: Values<O>) => number): number {
  const values = command.parse(argv);
  if (values.help) {
    console.log(command.usage);
    return 0;
  }
  const path = dbPath(values as RecordsValues);
  let store: Store | null = null;
  try {
    store = openDb(values as RecordsValues);
    return body(store, values);
  } catch (error) {
    // A damaged or unreadable file: the sentence for it, not "unexpected error".
    throw storeFault(error, dirname(path)) ?? error;
  } finally {
    store?.close();
  }
}

export function runAuditCommand(argv: string[]): number {
  return runOnStore(AUDIT_COMMAND, argv, (store, values) => {
    if (values.checkpoint) {
      console.log(JSON.stringify(store.audit.checkpoint()));
      return 0;
    }
    if (values.verify) {
      const key = sealKeyBeside(store.path);
      if (key) store.audit.useSealKey(key, false);
      const against = values.against ? readCheckpoint(values.against) : undefined;
      const result = store.audit.verify(against);
      if (!result.ok) {
        console.log(`AUDIT CHAIN BROKEN: ${result.problem}`);
        return 4;
      }
      const seal = result.sealChecked ? "checkpoint seal verified with this folder's key" : 'seal not checked: no key vault beside this database';
      const also = against ? `; still holds the exported checkpoint (row ${against.seq})` : '';
      console.log(`Audit chain verified: ${result.rows} rows intact; ${seal}${also}.`);
      return 0;
    } else if (values.against) {
      throw new UsageError('--against needs --verify.');
    }
    const query: AuditQuery = {
      ...(values.kind ? { kind: values.kind } : {}),
      ...(values.patient ? { patientId: values.patient } : {}),
      ...(values.text ? { text: values.text } : {}),
      limit: positiveNumber('--limit', values.limit, 200, AUDIT_MAX_LIMIT),
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
  });
}

export function runPerfCommand(argv: string[]): number {
  return runOnStore(PERF_COMMAND, argv, (store, values) => {
    const sessions = store.perf.history(role(values.role), positiveNumber('--limit', values.limit, 10, PERF_MAX_HISTORY));
    if (sessions.length === 0) console.log('No performance history yet.');
    for (const s of sessions) {
      const end = s.endedAt ? `${new Date(s.endedAt).toISOString()}${s.interrupted ? ' (interrupted: its process was killed; figures as last saved)' : ''}` : 'running';
      console.log(formatPerfTable(s.rows, `Session ${s.sessionId} (${s.role}) ${new Date(s.startedAt).toISOString()} – ${end}`));
      console.log('');
    }
    return 0;
  });
}

export function runFingerprintCommand(argv: string[]): number {
  const values = FINGERPRINT_COMMAND.parse(argv);
  const who = values.role === 'patient' ? `Patient ${values.id ?? ''}`.trim() : 'Doctor';
  const none =
    who === 'Doctor'
      ? "No identity keys yet: the doctor's keys are made when medchat doctor (or the app as Doctor) first starts."
      : "No identity keys yet: this patient's key is made at the first conference (medchat patient).";
  if (!values.help && !existsSync(dbPath(values as RecordsValues))) {
    console.log(none);
    return 0;
  }
  return runOnStore(FINGERPRINT_COMMAND, argv, (store) => {
    // Standard groups first, smallest first, as the doctor's window lists them.
    const bits = (k: { p: bigint }) => k.p.toString(2).length;
    const keys = store.ownKeys.list().sort((a, b) => Number(!findStandardGroup(a.p, a.g)) - Number(!findStandardGroup(b.p, b.g)) || bits(a) - bits(b));
    if (keys.length === 0) console.log(none);
    // Labelled, so a line read aloud or pasted into a message says whose key it is.
    for (const k of keys) {
      const name = findStandardGroup(k.p, k.g)?.name ?? `custom ${k.p.toString(2).length}-bit group`;
      console.log(`${who} key (${name}): ${keyFingerprint(sha256, k.p, k.g, k.y)}`);
    }
    return 0;
  });
}

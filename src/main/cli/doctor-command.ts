/**
 * `medchat doctor`: runs a conference in the terminal, like the seed's server.py. Lines typed are
 * broadcast; commands: block ID [minutes], unblock ID, approve ID FINGERPRINT, reject ID
 * FINGERPRINT, list, perf, status, help, quit. Ctrl+C (or quit) tells every patient (opcode 60) and exits.
 */
import { createInterface } from 'node:readline';
import { createDoctorService } from '../doctor/service.js';
import { stderrLog } from '../service/log.js';
import { ServiceError } from '../service/services.js';
import { storeFault } from '../store/index.js';
import { formatPerfTable } from '../../shared/metrics.js';
import { printableLine } from '../../shared/peer-text.js';
import type { BroadcastReceipt, PendingApproval } from '../../shared/contract.js';
import { BLOCK_MINUTES } from '../../shared/rules.js';
import { dataDir, defineCommand, host, port, positiveNumber, UsageError, wholeNumber } from './args.js';
import { hostPort } from '../../shared/address.js';

export const DOCTOR_COMMAND = defineCommand({
  name: 'medchat doctor',
  options: {
    host: { type: 'string', value: '127.0.0.1' },
    port: { type: 'string', value: '5050' },
    'data-dir': { type: 'string', value: 'DIR' },
    policy: { type: 'string', choices: ['tofu', 'ask'] },
    'block-minutes': { type: 'string', value: '2' },
    'delta-ts': { type: 'string', value: '5' },
    'handshake-timeout': { type: 'string', value: '10' },
    'no-rekey-before-broadcast': { type: 'boolean' },
    'rekey-window-ms': { type: 'string', value: '50' },
    'max-connections': { type: 'string', value: '2048' },
    'max-per-address': { type: 'string', value: '8' },
    'first-message-timeout': { type: 'string', value: '3' },
    'max-custom-groups': { type: 'string', value: '16' },
    liveness: { type: 'string', value: '30' },
    workers: { type: 'string', value: 'N' },
  },
  notes: `Type a line to broadcast it. Commands: block ID [minutes] | unblock ID | approve ID FINGERPRINT |
reject ID FINGERPRINT | list | perf | status | help | quit`,
});

const PENDING_KIND: Record<PendingApproval['kind'], string> = { 'new-patient': 'new patient', 'key-change': 'key change', 'look-alike': 'look-alike id' };

/** One waiting request, with what makes it a warning (the pinned key, the id it resembles) and how to decide it. */
function pendingLine(p: PendingApproval): string {
  const pinned = p.kind === 'key-change' ? `; pinned key ${p.pinnedFingerprint ?? '?'} since ${new Date(p.pinnedAt ?? 0).toISOString()}` : '';
  const like = p.kind === 'look-alike' ? `; LOOKS LIKE ${p.similarTo.join(', ')}` : '';
  const fp = p.fingerprint.replace(/ /g, '');
  return `  waiting for approval (${PENDING_KIND[p.kind]}): ${p.id} from ${p.address} key ${p.fingerprint}${pinned}${like}; until ${new Date(p.expiresAt).toISOString()} — approve ${p.id} ${fp} | reject ${p.id} ${fp}`;
}

export async function runDoctorCommand(argv: string[]): Promise<number> {
  const values = DOCTOR_COMMAND.parse(argv);
  if (values.help) {
    console.log(DOCTOR_COMMAND.usage);
    return 0;
  }
  const policy = values.policy ?? 'tofu';
  const blockMinutes = positiveNumber('--block-minutes', values['block-minutes'], 2, BLOCK_MINUTES.max);
  // Every argument is checked before the service starts its crypto workers: an error after that
  // would leave them running and the process would never exit.
  const listenHost = host(values.host, '127.0.0.1');
  const listenPort = port(values.port, 5050, true);
  const dataDirectory = dataDir(values['data-dir'], 'doctor');
  const service = await createDoctorService({
    dataDir: dataDirectory,
    log: stderrLog(),
    ...(values.workers !== undefined ? { workers: positiveNumber('--workers', values.workers, 2, 16) } : {}),
    config: {
      policy,
      failureBlockMinutes: blockMinutes,
      defaultBlockMinutes: blockMinutes,
      maxClockSkewMs: positiveNumber('--delta-ts', values['delta-ts'], 5, 3600) * 1000,
      handshakeTimeoutMs: positiveNumber('--handshake-timeout', values['handshake-timeout'], 10, 3600) * 1000,
      rekeyBeforeBroadcast: !values['no-rekey-before-broadcast'],
      rekeyWindowMs: wholeNumber('--rekey-window-ms', values['rekey-window-ms'], 50, 60_000),
      maxConnections: wholeNumber('--max-connections', values['max-connections'], 2048, 100_000),
      maxUnauthenticatedPerAddress: wholeNumber('--max-per-address', values['max-per-address'], 8, 10_000),
      firstMessageTimeoutMs: positiveNumber('--first-message-timeout', values['first-message-timeout'], 3, 3600) * 1000,
      maxCustomGroups: wholeNumber('--max-custom-groups', values['max-custom-groups'], 16, 10_000),
      livenessTimeoutMs: positiveNumber('--liveness', values.liveness, 30, 3600) * 1000,
    },
  });
  if (values.policy) service.setPolicy(policy);
  // Ctrl+C is caught from here on, before the "listening" line: a signal sent as soon as a script
  // or a user sees that line must shut the conference down cleanly, not hit Node's default (exit).
  let stopRequested: () => void = () => {};
  const stopped = new Promise<void>((resolve) => (stopRequested = resolve));
  process.once('SIGINT', () => stopRequested());
  process.once('SIGTERM', () => stopRequested());
  let status;
  try {
    status = await service.listen(listenHost, listenPort);
  } catch (error) {
    await service.close();
    throw error;
  }
  console.log(`MedChatSecure doctor listening on ${hostPort(status.host ?? listenHost, status.port ?? listenPort)} (new patients: ${status.policy === 'tofu' ? 'trust on first use' : 'ask'})`);

  const delivered = new Map<number, number>();
  let tableAfterRekey = false;
  service.subscribe((event) => {
    if (event.channel === 'doctor.audit') {
      const e = event.payload;
      console.log(printableLine(`[${e.kind}]${e.patientId ? ' ' + e.patientId : ''}${e.address ? ' (' + e.address + ')' : ''}: ${e.detail}`));
      // The table after an admission includes that join's group key (its distribution's cost).
      if (e.kind === 'admitted') tableAfterRekey = true;
      if ((e.kind === 'rekey' || e.kind === 'group-key') && tableAfterRekey) {
        tableAfterRekey = false;
        console.log(formatPerfTable(service.perf(), 'Doctor performance (cumulative over all patients):'));
      }
      if (e.kind === 'identity-created') printFingerprints();
    } else if (event.channel === 'doctor.changed') {
      for (const r of event.payload.broadcasts) reportDelivery(r);
    }
  });
  const printFingerprints = (): void => {
    for (const f of service.snapshot().status.fingerprints) console.log(`Doctor key ${f.group}: ${f.fingerprint}`);
  };
  const reportDelivery = (r: BroadcastReceipt): void => {
    if ((delivered.get(r.seq) ?? 0) < r.delivered.length) {
      delivered.set(r.seq, r.delivered.length);
      console.log(`[delivered] broadcast #${r.seq} to ${r.delivered.length}/${r.recipients.length}: ${r.delivered.join(', ')}`);
    }
  };
  printFingerprints();

  let closing: Promise<void> | null = null;
  const shutdown = (): Promise<void> =>
    (closing ??= (async () => {
      console.log('Shutting down: telling every patient (opcode 60).');
      await service.close();
      console.log(formatPerfTable(service.perf(), 'Doctor performance (cumulative over all patients):'));
    })());

  const rl = createInterface({ input: process.stdin, terminal: false });
  rl.on('close', () => stopRequested());
  rl.on('line', (line) => {
    void handleLine(line.trim()).then((quit) => {
      if (quit) rl.close();
    });
  });

  async function handleLine(line: string): Promise<boolean> {
    if (!line) return false;
    const [word, ...rest] = line.split(/\s+/);
    try {
      switch (word) {
        case 'quit':
        case 'exit':
          return true;
        case 'help':
          console.log(DOCTOR_COMMAND.usage);
          return false;
        case 'list': {
          const snap = service.snapshot();
          console.log(printableLine(`Patients (${snap.patients.length}):`));
          for (const p of snap.patients) console.log(printableLine(`  ${p.id}  ${p.stage}  ${p.address}  key ${p.fingerprint ?? '-'}`));
          console.log(printableLine(`Blocked (${snap.blocks.length}):`));
          for (const b of snap.blocks) console.log(printableLine(`  ${b.id} until ${new Date(b.expiresAt).toISOString()} (${b.reason})`));
          for (const p of snap.pending) console.log(printableLine(pendingLine(p)));
          return false;
        }
        case 'perf':
          console.log(formatPerfTable(service.perf(), 'Doctor performance (cumulative over all patients):'));
          return false;
        case 'status': {
          const { connections: c, epoch } = service.status();
          // Under `node --expose-gc` the heap figure is taken after a collection, so it can be compared.
          globalThis.gc?.();
          const heap = (process.memoryUsage().heapUsed / (1024 * 1024)).toFixed(1);
          console.log(`Connections: ${c.open} open (${c.admitted} admitted, ${c.unfinished} unfinished); epoch ${epoch}; heap ${heap} MiB in use`);
          return false;
        }
        case 'block': {
          const [id, minutes] = rest;
          if (!id) throw new UsageError('block ID [minutes]');
          const entry = service.block(id, positiveNumber('minutes', minutes, 2, BLOCK_MINUTES.max));
          console.log(`Blocked ${id} until ${new Date(entry.expiresAt).toISOString()}`);
          return false;
        }
        case 'unblock':
          if (!rest[0]) throw new UsageError('unblock ID');
          service.unblock(rest[0]);
          console.log(`Unblocked ${rest[0]}`);
          return false;
        case 'approve':
        case 'reject': {
          const [id, ...fp] = rest;
          const fingerprint = fp.join('').replace(/(\d{5})(?=\d)/g, '$1 ');
          if (!id || !fingerprint) throw new UsageError(`${word} ID FINGERPRINT`);
          if (word === 'approve') service.approve(id, fingerprint);
          else service.reject(id, fingerprint);
          console.log(`${word === 'approve' ? 'Approved' : 'Rejected'} ${id}`);
          return false;
        }
        default: {
          const receipt = await service.broadcast(line);
          console.log(`Broadcast #${receipt.seq} (epoch ${receipt.epoch}) sent to ${receipt.recipients.length} patient(s)`);
          return false;
        }
      }
    } catch (error) {
      if (error instanceof ServiceError || error instanceof UsageError) console.log(`Error: ${error.message}`);
      else console.log(`Error: ${(storeFault(error, dataDirectory) ?? (error as Error)).message}`);
      return false;
    }
  }

  await stopped;
  await shutdown();
  // Stop reading stdin, or an open terminal or pipe would keep the process alive after Ctrl+C.
  rl.close();
  process.stdin.pause();
  return 0;
}

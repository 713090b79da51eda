/**
 * `medchat doctor`: runs a conference in the terminal, like the seed's server.py. Lines typed are
 * broadcast; commands start with / (doctor-prompt.ts). Ctrl+C (or /quit) tells every patient
 * (opcode 60), prints the performance table and exits.
 */
import { createInterface } from 'node:readline';
import { createDoctorService } from '../doctor/service.js';
import { stderrLog } from '../service/log.js';
import { handleDoctorLine, PROMPT_HELP } from './doctor-prompt.js';
import { formatPerfTable } from '../../shared/metrics.js';
import { printableLine } from '../../shared/peer-text.js';
import type { BroadcastReceipt } from '../../shared/contract.js';
import { BLOCK_MINUTES } from '../../shared/rules.js';
import { dataDir, defineCommand, host, port, positiveNumber, wholeNumber } from './args.js';
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
  notes: PROMPT_HELP,
});

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
  service.subscribe((event) => {
    if (event.channel === 'doctor.audit') {
      const e = event.payload;
      // One line per broadcast, printed when its row is written (so in order with joins and
      // departures); the performance table comes on /perf and at exit.
      const sent = e.kind === 'broadcast' ? /^seq (\d+), epoch (\d+), \d+ bytes to (\d+) patient\(s\)$/.exec(e.detail) : null;
      const who = e.patientId ? ` ${e.patientId}${e.address ? ` (${e.address})` : ''}:` : e.address ? ` (${e.address}):` : '';
      if (sent) console.log(`Broadcast #${sent[1]} (epoch ${sent[2]}) sent to ${sent[3]} patient(s)`);
      else console.log(printableLine(`[${e.kind}]${who} ${e.detail}`));
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
    void handleDoctorLine(service, line, dataDirectory).then((quit) => {
      if (quit) rl.close();
    });
  });

  await stopped;
  await shutdown();
  // Stop reading stdin, or an open terminal or pipe would keep the process alive after Ctrl+C.
  rl.close();
  process.stdin.pause();
  return 0;
}

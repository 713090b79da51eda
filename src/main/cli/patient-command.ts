/**
 * `medchat patient --id ID`: joins a doctor's conference from the terminal, like the seed's
 * client.py: shows each handshake step, the doctor's fingerprint and pin state, decrypted
 * broadcasts, and the performance table. Ctrl+C leaves the conference (opcode 90).
 * Exit codes: 0 left or disconnected normally, 2 blocked, 3 the doctor's key changed, 1 error.
 */
import { createPatientService } from '../patient/service.js';
import { formatPerfTable } from '../../shared/metrics.js';
import { printableLine } from '../../shared/peer-text.js';
import { SAVED_GROUP_PATTERN, type GroupChoice, type PatientState, type PatientStatus } from '../../shared/contract.js';
import { FINGERPRINT_PATTERN, ID_PATTERN, ID_RULE } from '../../shared/rules.js';
import { dataDir, defineCommand, host, port, positiveNumber, UsageError } from './args.js';

/**
 * Prints one line that may carry text from the doctor (reasons, broadcasts): controls and
 * invisible characters are escaped, so the peer cannot add lines or drive the terminal.
 */
const say = (line: string): void => console.log(printableLine(line));

/** A time as ISO text, or the raw number when Date cannot hold it (the doctor chooses it). */
const timeText = (ms: number): string => (Number.isNaN(new Date(ms).getTime()) ? `${ms} ms since 1970` : new Date(ms).toISOString());

const GROUPS = ['ffdhe2048', 'ffdhe3072', 'ffdhe4096', 'generate-2048', 'generate-3072'] as const satisfies readonly GroupChoice[];
const GROUP_VALUES = `${GROUPS.join('|')}|saved|saved:ID`;

/** --group: a standard group, a fresh one, "saved" (the newest kept group) or "saved:ID"; null for "saved". */
function groupOption(value: string | undefined): GroupChoice | null {
  if (value === undefined) return 'ffdhe2048';
  if (value === 'saved') return null;
  if ((GROUPS as readonly string[]).includes(value) || SAVED_GROUP_PATTERN.test(value)) return value as GroupChoice;
  throw new UsageError(`--group must be one of ${GROUPS.join(', ')}, saved or saved:ID, not "${printableLine(value)}".`);
}

export const PATIENT_COMMAND = defineCommand({
  name: 'medchat patient',
  options: {
    id: { type: 'string', value: 'ID', required: true },
    host: { type: 'string', value: '127.0.0.1' },
    port: { type: 'string', value: '5050' },
    'data-dir': { type: 'string', value: 'DIR' },
    group: { type: 'string', value: GROUP_VALUES },
    'accept-doctor-key': { type: 'string', value: 'FINGERPRINT' },
    liveness: { type: 'string', value: '30' },
    'no-reconnect': { type: 'boolean' },
  },
  notes:
    'A generated group is kept with its key: --group saved joins with the newest one again (a new group means a new key, which a doctor who knows you must accept). ' +
    'Ctrl+C leaves the conference (or stops reconnecting). A dropped session is retried by itself, waiting 1 s, 2 s, ... up to 30 s, unless --no-reconnect.',
});
const STEP_TEXT: Record<string, string> = {
  connect: 'connected to the doctor',
  hello: 'sent id and public key (opcode 5)',
  'key-exchange': "doctor's key received; sent encrypted, signed session secret (opcode 10)",
  'session-token': "doctor's signed session token verified; session secret matches (opcode 20)",
  verifier: 'sent session key verifier (SKV)',
  admitted: 'admitted: group key received (opcode 30)',
};

export async function runPatientCommand(argv: string[]): Promise<number> {
  const values = PATIENT_COMMAND.parse(argv);
  if (values.help) {
    console.log(PATIENT_COMMAND.usage);
    return 0;
  }
  const patientId = values.id;
  if (!patientId || !ID_PATTERN.test(patientId)) throw new UsageError(`--id is required: ${ID_RULE}.`);
  const chosenGroup = groupOption(values.group);
  const accept = values['accept-doctor-key'];
  if (accept !== undefined && !FINGERPRINT_PATTERN.test(accept)) throw new UsageError('--accept-doctor-key takes the 30-digit fingerprint, in groups of five.');

  // Checked before the service starts its crypto worker, which would keep the process alive.
  const address = { host: host(values.host, '127.0.0.1'), port: port(values.port, 5050), patientId };
  const livenessTimeoutMs = positiveNumber('--liveness', values.liveness, 30, 3600) * 1000;
  const service = await createPatientService({
    dataDir: dataDir(values['data-dir'], 'patient', patientId),
    workers: 1,
    livenessTimeoutMs,
    reconnect: !values['no-reconnect'],
  });
  const group = chosenGroup ?? service.groups()[0]?.choice;
  if (!group) {
    await service.close();
    throw new UsageError('--group saved: this patient has no saved group yet; --group generate-2048 makes one.');
  }
  const request = { ...address, group };
  // Ctrl+C is caught from the start, before any line a user or a script may react to (a signal
  // with no handler would kill the process at once): during the handshake it cancels the
  // connection, once admitted it leaves the conference (opcode 90).
  let interrupted = false;
  let onInterrupt = (): void => void service.leave();
  const interrupt = (): void => {
    interrupted = true;
    onInterrupt();
  };
  process.once('SIGINT', interrupt);
  process.once('SIGTERM', interrupt);
  let printedSteps = 0;
  let lastGeneration = -1;
  let reconnectShown = 0;
  let keptShown = false;
  const showReconnect = (s: PatientStatus): void => {
    if (s.state !== 'reconnecting' || !s.reconnect || s.reconnect.attempt === reconnectShown) return;
    reconnectShown = s.reconnect.attempt;
    const inS = Math.max(0, Math.round((s.reconnect.at - Date.now()) / 100) / 10);
    say(`[reconnecting] ${s.reason ?? 'The session ended.'} Attempt ${s.reconnect.attempt} in ${inS.toFixed(1)} s; Ctrl+C stops.`);
  };
  service.subscribe((event) => {
    if (event.channel === 'patient.changed') {
      const s = event.payload;
      // A new attempt starts its steps again.
      if (s.steps.length < printedSteps) printedSteps = 0;
      for (const { step } of s.steps.slice(printedSteps)) say(`[step] ${STEP_TEXT[step] ?? step}`);
      printedSteps = s.steps.length;
      if (s.generation && Math.floor(s.generation.elapsedMs / 1000) > lastGeneration) {
        lastGeneration = Math.floor(s.generation.elapsedMs / 1000);
        say(`[group] generating a fresh safe prime: ${s.generation.phase}, ${lastGeneration} s`);
      }
      if (request.group.startsWith('generate-') && s.groupChoice && !keptShown) {
        keptShown = true;
        say(`[group] kept with your key as ${s.groupChoice}: --group saved joins with it again`);
      }
      showReconnect(s);
    } else if (event.channel === 'patient.message') {
      say(`[message #${event.payload.seq}] ${event.payload.text}`);
    }
  });

  let status = service.status();
  try {
    status = await service.connect(request);
    if (accept && status.state === 'key-changed' && status.doctorFingerprint === accept) {
      console.log('Accepting the doctor\'s new key, as --accept-doctor-key says.');
      printedSteps = 0;
      status = await service.acceptDoctorKey(accept);
    }
  } catch (error) {
    say(`Error: ${(error as Error).message}`);
    await service.close();
    return 1;
  }
  if (interrupted && (status.state === 'admitted' || status.state === 'handshake' || status.state === 'reconnecting')) {
    await service.leave();
    status = service.status();
  }
  if (status.ownFingerprint) say(`Your key: ${status.ownFingerprint}`);
  if (status.doctorFingerprint) {
    const pin = {
      unproven: 'first contact, not pinned yet: the doctor has not proven it holds this key',
      new: 'first contact, pinned now: compare it with the doctor',
      pinned: 'matches the pinned key',
      changed: 'DIFFERS FROM THE PINNED KEY',
    };
    say(`Doctor key: ${status.doctorFingerprint} (${status.pinState ? pin[status.pinState] : 'not checked'})`);
  }

  const ended = (code: number): number => {
    const s = service.status();
    console.log(formatPerfTable(service.perf(), `Patient ${patientId} performance:`));
    // The reason names the time already ("Blocked by the doctor until ...").
    if (s.state === 'blocked') say(`[blocked] ${s.reason ?? `Blocked by the doctor until ${timeText(s.blockedUntil ?? 0)}.`}`);
    else if (s.state === 'key-changed') say(`[key-changed] ${s.reason} Rerun with --accept-doctor-key "${s.doctorFingerprint}" once you have compared it.`);
    else say(`[disconnected] ${s.reason ?? ''}`);
    return s.state === 'blocked' ? 2 : s.state === 'key-changed' ? 3 : code;
  };

  const live = (state: PatientState): boolean => state === 'admitted' || state === 'handshake' || state === 'reconnecting' || state === 'connecting';
  if (!live(status.state)) {
    const code = ended(status.state === 'disconnected' && !interrupted ? 1 : 0);
    await service.close();
    return code;
  }
  if (status.state === 'admitted') console.log(formatPerfTable(service.perf(), `Patient ${patientId} performance (handshake):`));
  else if (status.state === 'handshake') say(`[waiting] ${status.reason ?? 'Waiting for the doctor.'}`);
  else showReconnect(status);

  let lastAttempt = status.reconnect?.attempt ?? 0;
  const code = await new Promise<number>((resolve) => {
    onInterrupt = () => void service.leave().then(() => resolve(0));
    service.subscribe((event) => {
      if (event.channel !== 'patient.changed') return;
      const s = event.payload;
      if (s.reconnect) lastAttempt = s.reconnect.attempt;
      if (!live(s.state)) resolve(0);
      if (s.state === 'admitted' && status.state !== 'admitted') {
        if (lastAttempt > 0) say(`[reconnected] readmitted after ${lastAttempt} attempt(s)`);
        lastAttempt = 0;
        reconnectShown = 0;
        console.log(formatPerfTable(service.perf(), `Patient ${patientId} performance (handshake):`));
      }
      status = s;
    });
  });
  const exitCode = ended(code);
  await service.close();
  return exitCode;
}

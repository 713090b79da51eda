/**
 * `medchat doctor`'s prompt: runs what a typed line means (doctor-input.ts) against the service
 * and prints the answer. A slip never reaches the patients: unknown commands and lines that look
 * like commands are answered here, not broadcast.
 */
import { check } from '../../shared/contract-schema.js';
import { BLOCK_NOTE, type PendingApproval } from '../../shared/contract.js';
import { formatPerfTable } from '../../shared/metrics.js';
import { printableLine } from '../../shared/peer-text.js';
import { BLOCK_MINUTES } from '../../shared/rules.js';
import type { DoctorService } from '../doctor/service.js';
import { ServiceError } from '../service/services.js';
import { storeFault } from '../store/index.js';
import { positiveNumber, UsageError } from './args.js';
import { parseDoctorLine } from './doctor-input.js';

export const PROMPT_HELP = `Type a line to send it to every patient. Commands start with /:
  /list                          patients, blocks and requests waiting for you
  /block ID [MINUTES] [NOTE]     block a patient (2 minutes unless given); the note is yours,
                                 kept in the audit log, never sent to the patient
  /unblock ID
  /approve ID FINGERPRINT        accept a new or changed key; /reject ID FINGERPRINT refuses it
  /perf                          the performance table
  /status                        connections and memory
  /send TEXT                     send TEXT even if it looks like a command
  /help, /quit (or Ctrl+C)`;

/** Local time, as a person at this machine reads it: 2026-12-03 08:15:02. */
export function localTime(ms: number): string {
  return new Date(ms).toLocaleString('sv-SE');
}

const PENDING_KIND: Record<PendingApproval['kind'], string> = { 'new-patient': 'new patient', 'key-change': 'key change', 'look-alike': 'look-alike id' };

/** One waiting request, with what makes it a warning (the pinned key, the id it resembles) and how to decide it. */
export function pendingLine(p: PendingApproval): string {
  const fp = p.fingerprint.replace(/ /g, '');
  const pinned = p.kind === 'key-change' ? `; pinned key ${p.pinnedFingerprint ?? '?'} since ${localTime(p.pinnedAt ?? 0)}` : '';
  const like = p.kind === 'look-alike' ? `; LOOKS LIKE ${p.similarTo.join(', ')}` : '';
  return `  waiting for approval (${PENDING_KIND[p.kind]}): ${p.id} from ${p.address} key ${p.fingerprint}${pinned}${like}; until ${localTime(p.expiresAt)} — /approve ${p.id} ${fp} | /reject ${p.id} ${fp}`;
}

/** `/block ID [MINUTES] [NOTE]`: a number after the id is the minutes; whatever follows is the note. */
function blockArgs(rest: string): { id: string; minutes: number; note: string | undefined } {
  const [, id, minutes, note] = /^(\S+)(?:\s+([0-9]\S*))?\s*(.*)$/.exec(rest) ?? [];
  if (!id) throw new UsageError('/block ID [MINUTES] [NOTE]');
  const checked = check(BLOCK_NOTE, note);
  if (!checked.ok) throw new UsageError(`The note ${checked.error.message}`);
  return { id, minutes: positiveNumber('minutes', minutes, 2, BLOCK_MINUTES.max), note: checked.value };
}

/** "Broadcast #N (epoch E) sent to K patient(s)" is printed from its audit row (doctor-command.ts). */
async function broadcast(service: DoctorService, text: string): Promise<void> {
  await service.broadcast(text);
}

/** Runs one typed line; true when the doctor asked to quit. */
export async function handleDoctorLine(service: DoctorService, line: string, dataDir: string): Promise<boolean> {
  const input = parseDoctorLine(line);
  try {
    switch (input.kind) {
      case 'empty':
        return false;
      case 'broadcast':
        await broadcast(service, input.text);
        return false;
      case 'held':
        console.log(`Not sent: this looks like the command /${input.suggestion}. Commands start with /; to send the line to every patient, type /send ${line.trim()}`);
        return false;
      case 'unknown-command':
        console.log(`Unknown command /${input.name}${input.suggestion ? ` (did you mean /${input.suggestion}?)` : ''}; nothing was sent. Type /help for the commands.`);
        return false;
      case 'command':
        return await runCommand(service, input.name, input.args, input.rest);
    }
  } catch (error) {
    if (error instanceof ServiceError || error instanceof UsageError) console.log(`Error: ${error.message}`);
    else console.log(`Error: ${(storeFault(error, dataDir) ?? (error as Error)).message}`);
  }
  return false;
}

async function runCommand(service: DoctorService, name: string, args: string[], rest: string): Promise<boolean> {
  switch (name) {
    case 'quit':
      return true;
    case 'help':
      console.log(PROMPT_HELP);
      return false;
    case 'send':
      if (!rest) throw new UsageError('/send TEXT');
      await broadcast(service, rest);
      return false;
    case 'list': {
      const snap = service.snapshot();
      console.log(printableLine(`Patients (${snap.patients.length}):`));
      for (const p of snap.patients) console.log(printableLine(`  ${p.id}  ${p.stage}  ${p.address}  key ${p.fingerprint ?? '-'}`));
      console.log(printableLine(`Blocked (${snap.blocks.length}):`));
      for (const b of snap.blocks) console.log(printableLine(`  ${b.id} until ${localTime(b.expiresAt)} (${b.reason}${b.note ? `: ${b.note}` : ''})`));
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
      const { id, minutes, note } = blockArgs(rest);
      const known = service.isKnownPatient(id);
      const entry = service.block(id, minutes, note);
      const stranger = known ? '' : ` (no patient with this id has joined or is connected: check the spelling; /unblock ${id} undoes it)`;
      const noted = entry.note ? ` (note: ${entry.note})` : '';
      console.log(printableLine(`Blocked ${id} until ${localTime(entry.expiresAt)}${noted}${stranger}`));
      return false;
    }
    case 'unblock':
      if (!args[0]) throw new UsageError('/unblock ID');
      service.unblock(args[0]);
      console.log(printableLine(`Unblocked ${args[0]}`));
      return false;
    default: {
      // approve | reject
      const [id, ...fp] = args;
      const fingerprint = fp.join('').replace(/(\d{5})(?=\d)/g, '$1 ');
      if (!id || !fingerprint) throw new UsageError(`/${name} ID FINGERPRINT`);
      if (name === 'approve') service.approve(id, fingerprint);
      else service.reject(id, fingerprint);
      console.log(printableLine(`${name === 'approve' ? 'Approved' : 'Rejected'} ${id}`));
      return false;
    }
  }
}

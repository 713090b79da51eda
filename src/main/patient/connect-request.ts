/**
 * The patient's connect request: the status before one (IDLE), the group it asks for (a standard one, or a fresh one generated
 * now), and what it was last time (the doctor's address, the id, the group), kept in the data
 * folder's settings to fill the connect form at the next start. Read back through the contract's
 * own validator: the file may have been edited by anyone.
 */
import type { ConnectRequest, PatientStatus } from '../../shared/contract.js';
import { STANDARD_GROUPS, type AsyncCrypto, type Group } from '../crypto/index.js';
import { validateInvokeArg } from '../../shared/contract-validate.js';
import type { SettingsStore } from '../store/index.js';

/** The status before any request, and after Leave. */
export const IDLE: PatientStatus = {
  state: 'idle',
  patientId: null,
  doctor: null,
  group: null,
  steps: [],
  ownFingerprint: null,
  doctorFingerprint: null,
  pinState: null,
  blockedUntil: null,
  reason: null,
  generation: null,
  reconnect: null,
};

const LAST_CONNECT_KEY = 'patient.last-connect';

export function rememberConnect(settings: SettingsStore, request: ConnectRequest): void {
  try {
    settings.set(LAST_CONNECT_KEY, JSON.stringify(request));
  } catch {
    // Not remembering the form is no reason to refuse the connection (a full disk says so elsewhere).
  }
}

export function lastConnect(settings: SettingsStore): ConnectRequest | null {
  const raw = settings.get(LAST_CONNECT_KEY);
  if (raw === undefined) return null;
  try {
    const checked = validateInvokeArg('patient.connect', JSON.parse(raw));
    return checked.ok ? checked.value : null;
  } catch {
    return null;
  }
}

/** The group a request names; a fresh one is generated, reporting its progress. */
export async function requestedGroup(
  choice: ConnectRequest['group'],
  crypto: AsyncCrypto,
  progress: (phase: string, elapsedMs: number, first: boolean) => void,
): Promise<{ group: Group; generated: number | null }> {
  if (choice === 'ffdhe2048' || choice === 'ffdhe3072' || choice === 'ffdhe4096') return { group: STANDARD_GROUPS[choice], generated: null };
  const bits = choice === 'generate-3072' ? 3072 : 2048;
  progress('searching', 0, true);
  const group = await crypto.generateGroup(bits, { onProgress: (p) => progress(p.phase, p.elapsedMs, false) });
  return { group, generated: bits };
}

/**
 * The patient's connect request: the status before one (IDLE), the group it asks for (a standard one, or a fresh one generated
 * now), and what it was last time (the doctor's address, the id, the group), kept in the data
 * folder's settings to fill the connect form at the next start. Read back through the contract's
 * own validator: the file may have been edited by anyone.
 */
import type { ConnectRequest, GroupChoice, PatientStatus, SavedGroup } from '../../shared/contract.js';
import { STANDARD_GROUPS, STANDARD_GROUP_NAMES, type AsyncCrypto, type Group } from '../crypto/index.js';
import { validateInvokeArg } from '../../shared/contract-validate.js';
import { ServiceError } from '../service/services.js';
import type { SettingsStore, Store } from '../store/index.js';
import type { PatientIdentity } from './identity.js';

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
  groupChoice: null,
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

/** The request with the group choice that joins the same group again, remembered if it changed. */
export function keepGroupChoice(settings: SettingsStore, request: ConnectRequest, choice: GroupChoice): ConnectRequest {
  if (request.group === choice) return request;
  const kept = { ...request, group: choice };
  rememberConnect(settings, kept);
  return kept;
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

/** What the group choice needs to look up kept groups and their keys. */
export interface GroupSources {
  crypto: AsyncCrypto;
  store: Store;
  identity: PatientIdentity;
}

const savedChoice = (groupId: string): GroupChoice => `saved:${groupId}`;

/**
 * The groups this patient generated and kept: every own key outside the standard groups whose
 * private part is still in the vault (without it the key is of no use). Newest use first.
 */
export function savedGroups({ store, identity }: Pick<GroupSources, 'store' | 'identity'>): SavedGroup[] {
  const standard = new Set(STANDARD_GROUP_NAMES.map((name) => identity.groupId(STANDARD_GROUPS[name])));
  return store.ownKeys
    .list()
    .filter((key) => !standard.has(key.groupId) && identity.holdsKey(key.groupId))
    .map((key) => ({ choice: `saved:${key.groupId}` as const, bits: key.p.toString(2).length, createdAt: key.createdAt, lastUsedAt: key.lastUsedAt ?? key.createdAt }))
    .sort((a, b) => b.lastUsedAt - a.lastUsedAt || b.createdAt - a.createdAt);
}

/**
 * The group a request names: a standard one, a kept one (checked again: the database may have been
 * edited), or a fresh one, generated here while reporting its progress. `choice` is what joins with
 * the same group next time, so a generated group is never silently replaced by another.
 */
export async function requestedGroup(
  request: ConnectRequest['group'],
  sources: GroupSources,
  progress: (phase: string, elapsedMs: number, first: boolean) => void,
): Promise<{ group: Group; generated: number | null; choice: GroupChoice }> {
  const { crypto, store, identity } = sources;
  if (request === 'ffdhe2048' || request === 'ffdhe3072' || request === 'ffdhe4096') {
    return { group: STANDARD_GROUPS[request], generated: null, choice: request };
  }
  if (request.startsWith('saved:')) {
    const groupId = request.slice('saved:'.length);
    if (!savedGroups(sources).some((g) => g.choice === request)) {
      throw new ServiceError('UNKNOWN_GROUP', 'That saved group is no longer on this computer. Choose another group.');
    }
    const key = store.ownKeys.get(groupId);
    const checked = key ? await crypto.validateGroup(key.p, key.g) : null;
    if (!checked?.ok || identity.groupId(checked.group) !== groupId) {
      throw new ServiceError('BAD_GROUP', 'The saved group on this computer is damaged. Choose another group.');
    }
    return { group: checked.group, generated: null, choice: request };
  }
  const bits = request === 'generate-3072' ? 3072 : 2048;
  progress('searching', 0, true);
  const group = await crypto.generateGroup(bits, { onProgress: (p) => progress(p.phase, p.elapsedMs, false) });
  return { group, generated: bits, choice: savedChoice(identity.groupId(group)) };
}

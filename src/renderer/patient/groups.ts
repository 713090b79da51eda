/**
 * Renderer process. The group menu in plain words: the standard groups, the groups this patient
 * generated and kept (its key in each is kept too, so a doctor who knows the patient still does),
 * and the choice to make a new one, which also means a new key.
 */
import type { GroupChoice, SavedGroup } from '../../shared/contract.js';
import { formatDateTimeShort } from '../common/format.js';

export interface GroupOption {
  value: GroupChoice;
  label: string;
}

export const STANDARD_GROUPS: GroupOption[] = [
  { value: 'ffdhe2048', label: 'Standard 2048-bit (recommended)' },
  { value: 'ffdhe3072', label: 'Standard 3072-bit (stronger, slower)' },
  { value: 'ffdhe4096', label: 'Standard 4096-bit (strongest, slowest)' },
];

export const NEW_GROUPS: GroupOption[] = [
  { value: 'generate-2048', label: 'Make a new 2048-bit group (a few seconds)' },
  { value: 'generate-3072', label: 'Make a new 3072-bit group (up to a minute)' },
];

export function savedGroupOptions(saved: SavedGroup[]): GroupOption[] {
  return saved.map((g) => ({ value: g.choice, label: `My ${g.bits}-bit group, made ${formatDateTimeShort(g.createdAt)}` }));
}

/** The label of a choice, for the session's summary. */
export function groupLabel(choice: GroupChoice | null, saved: SavedGroup[]): string | null {
  if (!choice) return null;
  return [...STANDARD_GROUPS, ...savedGroupOptions(saved), ...NEW_GROUPS].find((g) => g.value === choice)?.label ?? null;
}

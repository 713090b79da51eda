/**
 * What a line typed at `medchat doctor` means. Commands start with `/` (`/list`, `/block bob 5`);
 * every other line is a message for every patient, except one that looks like a command typed
 * without its slash or with a typo (`list`, `lst`, `blok bob`): that is held, with a hint, since a
 * slip of the keyboard must never reach every patient (issue: "lst" reached carol as message #1).
 * `/send TEXT` broadcasts TEXT as it is, for a message that happens to look like a command. Pure.
 */

export const DOCTOR_COMMANDS = ['block', 'unblock', 'approve', 'reject', 'list', 'perf', 'status', 'help', 'quit', 'send'] as const;
export type DoctorCommand = (typeof DOCTOR_COMMANDS)[number];

export type DoctorInput =
  | { kind: 'command'; name: DoctorCommand; args: string[]; rest: string }
  | { kind: 'broadcast'; text: string }
  | { kind: 'unknown-command'; name: string; suggestion: DoctorCommand | null }
  | { kind: 'held'; suggestion: DoctorCommand }
  | { kind: 'empty' };

/** Whether a and b are at most one insertion, deletion, substitution or swap apart. */
export function nearlyEqual(a: string, b: string): boolean {
  if (a === b) return true;
  if (Math.abs(a.length - b.length) > 1) return false;
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  const [ra, rb] = [a.slice(i + 1), b.slice(i + 1)];
  if (a.length === b.length) return ra === rb || (a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2));
  return a.length > b.length ? a.slice(i + 1) === b.slice(i) : a.slice(i) === b.slice(i + 1);
}

function closestCommand(word: string): DoctorCommand | null {
  const w = word.toLowerCase();
  if (w === 'exit') return 'quit';
  if (w.length < 3) return null;
  return DOCTOR_COMMANDS.find((c) => nearlyEqual(w, c)) ?? null;
}

export function parseDoctorLine(raw: string): DoctorInput {
  const line = raw.trim();
  if (!line) return { kind: 'empty' };
  if (line.startsWith('/')) {
    const [word = '', ...args] = line.slice(1).split(/\s+/);
    const name = word.toLowerCase() === 'exit' ? 'quit' : word.toLowerCase();
    const known = DOCTOR_COMMANDS.find((c) => c === name);
    if (!known) return { kind: 'unknown-command', name: word, suggestion: closestCommand(word) };
    return { kind: 'command', name: known, args, rest: line.slice(1 + word.length).trim() };
  }
  const words = line.split(/\s+/);
  const suggestion = words.length <= 3 ? closestCommand(words[0]!) : null;
  if (suggestion) return { kind: 'held', suggestion };
  return { kind: 'broadcast', text: line };
}

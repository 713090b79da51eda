/**
 * The role this data folder was last used in ("doctor" or "patient", in the file `last-role`), so
 * the role chooser can offer it first at the next start. A missing file means a first start; any
 * other content is ignored (and logged), never trusted: the role is always confirmed by a person.
 */
import * as fs from 'node:fs';
import { join } from 'node:path';
import { ROLES, type Role } from '../../shared/contract.js';
import { writeFileAtomic } from '../store/atomic-file.js';

const FILE = 'last-role';

const isRole = (value: string): value is Role => (ROLES as readonly string[]).includes(value);

export function readLastRole(dataDir: string, log: (line: string) => void): Role | null {
  let text: string;
  try {
    text = fs.readFileSync(join(dataDir, FILE), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') log(`last-role: not read (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
    return null;
  }
  const role = text.trim();
  if (isRole(role)) return role;
  log('last-role: ignored (not "doctor" or "patient")');
  return null;
}

/** Best effort: a folder that cannot take the file only loses the suggestion. */
export function writeLastRole(dataDir: string, role: Role, log: (line: string) => void): void {
  try {
    fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    writeFileAtomic(join(dataDir, FILE), `${role}\n`);
  } catch (error) {
    log(`last-role: not saved (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
}

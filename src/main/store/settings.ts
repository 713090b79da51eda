/**
 * Small key/value settings that must survive a restart, such as the doctor's admission policy
 * ('tofu' or 'ask'). Values are text; callers parse and validate what they read back.
 */
import type { Db } from './db.js';
import { asRow, rowString } from './rows.js';
import { checkPattern, checkString } from './validate.js';

export interface SettingsStore {
  get(key: string): string | undefined;
  set(key: string, value: string): void;
}

const KEY_PATTERN = /^[a-z][a-z0-9._-]{0,63}$/;
export const SETTING_VALUE_MAX = 4096;

export function createSettingsStore(db: Db): SettingsStore {
  const select = db.prepare('SELECT value FROM settings WHERE key = ?');
  const upsert = db.prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value');
  const checkKey = (key: string, label: string): string =>
    checkPattern(key, label, KEY_PATTERN, 'a lowercase name of 1-64 characters (a-z 0-9 . _ -), starting with a letter');

  return {
    get(key) {
      const row = select.get(checkKey(key, 'settings.get: key'));
      return row === undefined ? undefined : rowString(asRow(row, 'setting row'), 'value', 'setting row');
    },
    set(key, value) {
      upsert.run(checkKey(key, 'settings.set: key'), checkString(value, 'settings.set: value', 0, SETTING_VALUE_MAX));
    },
  };
}

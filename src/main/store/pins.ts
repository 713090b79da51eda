/**
 * Trust-on-first-use pins: the key each peer presented the first time, like SSH's known_hosts.
 * pin() accepts a first key and re-confirms the same one; a different key is PIN_CONFLICT and
 * stays refused until a person accepts it (replace()). The store never decides trust by itself.
 *
 * Like a known_hosts entry, a pin's peerId may say where and in which group the peer was met
 * ("clinic.example:7000/<group id>": what the patient dialled), so it allows more than a bare protocol id.
 */
import type { Clock } from './clock.js';
import type { Db } from './db.js';
import { StoreError } from './errors.js';
import { asRow, rowInteger, rowString } from './rows.js';
import { checkPattern, checkString } from './validate.js';

export interface Pin {
  peerId: string;
  keyFingerprint: string;
  /** Opaque text chosen by the caller (JSON of p, g, y in hex). */
  publicKey: string;
  firstSeen: number;
  lastSeen: number;
}

export interface PinStore {
  get(peerId: string): Pin | undefined;
  /** Pins a first key, or touches lastSeen when it matches; PIN_CONFLICT for a different one. */
  pin(peerId: string, keyFingerprint: string, publicKey: string): Pin;
  /** A person accepted a new key: it replaces the pin, with firstSeen = now. */
  replace(peerId: string, keyFingerprint: string, publicKey: string): Pin;
  /** Marks the pinned peer as seen now; NOT_FOUND when it has no pin. */
  touch(peerId: string): void;
  list(): Pin[];
  remove(peerId: string): void;
}

/** A protocol id, optionally with @host:port/group; no spaces, quotes or control characters. */
export const PEER_ID_PATTERN = /^[A-Za-z0-9_.@:/[\]%-]{1,512}$/;
const PEER_ID_RULE = '1-512 characters of letters, digits and _ . @ : / [ ] % -';
const checkPeerId = (value: unknown, label: string): string => checkPattern(value, label, PEER_ID_PATTERN, PEER_ID_RULE);

/** Safety numbers ("4821 0937 ...") or hex digests, as the crypto layer formats them. */
const FINGERPRINT_PATTERN = /^[A-Za-z0-9:+/= _-]{1,128}$/;
/** A 4096-bit group as JSON of three hex numbers fits in well under this. */
export const PUBLIC_KEY_MAX = 16_384;

function readPin(value: unknown): Pin {
  const what = 'pin row';
  const row = asRow(value, what);
  return {
    peerId: rowString(row, 'peer_id', what),
    keyFingerprint: rowString(row, 'key_fingerprint', what),
    publicKey: rowString(row, 'public_key', what),
    firstSeen: rowInteger(row, 'first_seen', what),
    lastSeen: rowInteger(row, 'last_seen', what),
  };
}

function checkPinArgs(label: string, peerId: string, keyFingerprint: string, publicKey: string): [string, string, string] {
  return [
    checkPeerId(peerId, `${label}: peerId`),
    checkPattern(keyFingerprint, `${label}: keyFingerprint`, FINGERPRINT_PATTERN, '1-128 characters of letters, digits, spaces and : + / = _ -'),
    checkString(publicKey, `${label}: publicKey`, 1, PUBLIC_KEY_MAX),
  ];
}

export function createPinStore(db: Db, now: Clock): PinStore {
  const columns = 'peer_id, key_fingerprint, public_key, first_seen, last_seen';
  const select = db.prepare(`SELECT ${columns} FROM pins WHERE peer_id = ?`);
  const selectAll = db.prepare(`SELECT ${columns} FROM pins ORDER BY peer_id`);
  const upsert = db.prepare(
    `INSERT INTO pins (${columns}) VALUES (@peerId, @keyFingerprint, @publicKey, @firstSeen, @lastSeen)
     ON CONFLICT (peer_id) DO UPDATE SET key_fingerprint = @keyFingerprint, public_key = @publicKey,
       first_seen = @firstSeen, last_seen = @lastSeen`,
  );
  const touchRow = db.prepare('UPDATE pins SET last_seen = max(last_seen, ?) WHERE peer_id = ?');
  const removeRow = db.prepare('DELETE FROM pins WHERE peer_id = ?');

  const pinTx = db.transaction((peerId: string, keyFingerprint: string, publicKey: string, at: number): Pin => {
    const row = select.get(peerId);
    if (row === undefined) {
      const pin: Pin = { peerId, keyFingerprint, publicKey, firstSeen: at, lastSeen: at };
      upsert.run(pin);
      return pin;
    }
    const pinned = readPin(row);
    if (pinned.keyFingerprint !== keyFingerprint) {
      throw new StoreError(
        'PIN_CONFLICT',
        `pins.pin: ${peerId} presented key ${keyFingerprint}, but key ${pinned.keyFingerprint} is pinned; it stays refused until a person accepts the new key.`,
      );
    }
    touchRow.run(at, peerId);
    return { ...pinned, lastSeen: Math.max(pinned.lastSeen, at) };
  });

  return {
    get(peerId) {
      const row = select.get(checkPeerId(peerId, 'pins.get: peerId'));
      return row === undefined ? undefined : readPin(row);
    },
    pin(peerId, keyFingerprint, publicKey) {
      return pinTx.immediate(...checkPinArgs('pins.pin', peerId, keyFingerprint, publicKey), now());
    },
    replace(peerId, keyFingerprint, publicKey) {
      const [id, fingerprint, key] = checkPinArgs('pins.replace', peerId, keyFingerprint, publicKey);
      const at = now();
      const pin: Pin = { peerId: id, keyFingerprint: fingerprint, publicKey: key, firstSeen: at, lastSeen: at };
      upsert.run(pin);
      return pin;
    },
    touch(peerId) {
      const id = checkPeerId(peerId, 'pins.touch: peerId');
      if (touchRow.run(now(), id).changes === 0) throw new StoreError('NOT_FOUND', `pins.touch: ${id} has no pinned key.`);
    },
    list() {
      return selectAll.all().map(readPin);
    },
    remove(peerId) {
      removeRow.run(checkPeerId(peerId, 'pins.remove: peerId'));
    },
  };
}

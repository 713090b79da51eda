/**
 * Reasons a session ends (opcode 60) or a message is refused. Each code is stable (tests, audit
 * log, UI) and has a sentence a person can act on.
 */
import { MAX_FRAME_BYTES } from '../../shared/rules.js';

export const DISCONNECT_REASONS = {
  FRAME_TOO_LARGE: `A message exceeded the ${MAX_FRAME_BYTES / 1024} KiB size limit.`,
  MALFORMED_FRAME: 'A message could not be parsed.',
  BAD_MESSAGE: 'A message had missing, extra or out-of-range fields.',
  UNKNOWN_OPCODE: 'A message had an unknown opcode.',
  OUT_OF_ORDER: 'A message arrived out of order for this stage of the session.',
  UNSUPPORTED_VERSION: 'The other side runs another version of the MedChatSecure protocol; update both apps to the same version.',
  BAD_GROUP: 'The proposed group parameters were rejected.',
  BAD_PUBLIC_KEY: 'A public key was not an element of the prime-order subgroup.',
  KEY_REPLACED: 'This patient id now uses a new key that the doctor accepted; this session, under the old key, has ended.',
  PENDING_KEY_CHANGE: 'This patient id is pinned to a different key; the doctor has been asked to accept the new key.',
  STALE_TIMESTAMP: 'The message timestamp is outside the allowed window; check the clocks of both machines.',
  REPLAY: 'The message was already seen (replay).',
  BAD_SIGNATURE: 'The signature did not verify.',
  BAD_CIPHERTEXT: 'The encrypted session secret was not valid.',
  BAD_VERIFIER: 'The session key verifier did not match.',
  SESSION_MISMATCH: 'The doctor did not return the session secret the patient sent.',
  HANDSHAKE_TIMEOUT: 'The handshake did not finish in time.',
  APPROVAL_TIMEOUT: 'The doctor did not approve the new key in time.',
  REJECTED: 'The doctor declined this key.',
  TOO_MANY_REQUESTS: 'Too many requests are waiting for the doctor (for this patient id, or from your address); try again later.',
  REQUEST_REPLACED: 'A newer request from your address for this patient id replaced this one.',
  RATE_LIMITED: 'Too many attempts from this address; try again later.',
  CONFERENCE_FULL: 'The conference is full; try again in a few minutes or ask the doctor to make room.',
  TOO_MANY_CONNECTIONS: 'Too many unfinished connections from your address; close the others and try again.',
  IDLE_TIMEOUT: 'Nothing arrived in time after connecting; the connection was closed.',
  GROUPS_BUSY: 'The doctor is busy checking other custom groups; try again shortly or choose a standard group.',
  DOCTOR_KEY_CHANGED: "The doctor's key differs from the pinned one; compare fingerprints before accepting it.",
  BAD_ACK: 'A delivery acknowledgement did not authenticate.',
  BAD_EXIT: 'An exit notice did not authenticate.',
  BAD_HEARTBEAT: 'A heartbeat did not authenticate.',
  NOT_READING: 'Messages piled up unread (over 1 MiB waiting to be sent), so the connection was dropped; reconnecting starts afresh.',
  UNREACHABLE: 'Nothing authenticated arrived from the peer within the liveness bound; the link is taken as dead.',
  DUPLICATE_SESSION: 'A second session for this patient id is in progress.',
  SHUTDOWN: 'The doctor ended the conference.',
  CANCELLED: 'The patient cancelled the connection.',
  INTERNAL: 'An internal error ended the session.',
} as const;

export type DisconnectCode = keyof typeof DISCONNECT_REASONS;

export function isDisconnectCode(value: unknown): value is DisconnectCode {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(DISCONNECT_REASONS, value);
}

/** A protocol violation found while decoding: becomes opcode 60 with this code, then a close. */
export class ProtocolError extends Error {
  constructor(
    readonly code: DisconnectCode,
    /** What exactly was wrong, without the code's sentence (which `message` starts with). */
    readonly detail?: string,
  ) {
    super(detail ? `${DISCONNECT_REASONS[code]} (${detail})` : DISCONNECT_REASONS[code]);
    this.name = 'ProtocolError';
  }
}

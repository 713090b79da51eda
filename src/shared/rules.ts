/**
 * Rules every layer applies to the same values, written once (issue 8: the patient-id pattern was
 * written in four places and the audit-kind rule differed between IPC and the store). Pure: no
 * Node, no DOM, so the wire codec, the store, the IPC validators and the renderer share it.
 */

/** A patient or doctor id: what the wire accepts, the store keeps and the UI lets a person type. */
export const ID_PATTERN = /^[A-Za-z0-9_.@-]{1,64}$/;
export const ID_RULE = '1 to 64 letters, digits or _ . @ -';

/** An audit entry's kind ("admitted", "key-change", ...). */
export const AUDIT_KIND_PATTERN = /^[a-z][a-z0-9-]{0,39}$/;
export const AUDIT_KIND_RULE = 'a lowercase letter, then up to 39 of a-z 0-9 -';

/** A safety number: six groups of five digits. */
export const FINGERPRINT_PATTERN = /^\d{5}( \d{5}){5}$/;
export const FINGERPRINT_RULE = 'six groups of five digits';

/**
 * A key group's id: the key of an identity key in the key vaults and in own_keys. The app makes
 * them with groupIdOf (32 lowercase hex digits); the rule is kept wider, as the store's id check
 * was, so names such as "ffdhe2048" or "custom-1" (tests, older files) still pass. It is not an id
 * a person types or a peer sends, so no "@"; the desktop vault's looser copy (":" and 128
 * characters) allowed nothing that groupIdOf makes.
 */
export const GROUP_ID_PATTERN = /^[A-Za-z0-9_.-]{1,64}$/;
export const GROUP_ID_RULE = '1 to 64 letters, digits or _ . -';

// ---- limits that more than one layer applies ----

/** The wire's frame cap (protocol/frame.ts refuses a larger declared length before buffering). */
export const MAX_FRAME_BYTES = 64 * 1024;

/** A text field on the wire (opcode 60 code and reason, 70 status, 80 reason), in UTF-16 units. */
export const PEER_TEXT_MAX_CHARS = 500;

/** How many audit rows one query may return (IPC, CLI --limit, the store). */
export const AUDIT_QUERY_MAX_LIMIT = 10_000;

/** The audit query's free-text filter, in characters. */
export const AUDIT_TEXT_FILTER_MAX_CHARS = 200;

/** How long a doctor may block a patient id, in minutes (one week at most). */
export const BLOCK_MINUTES = { min: 1, max: 10_080 } as const;

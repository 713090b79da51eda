/** Messages between the bench (bench/lib/fleet.ts) and its patient child processes (bench/patients.ts). */
export interface ChildPatient {
  /** Global index in the fleet (0-based); patients are dealt round-robin to the children. */
  index: number;
  id: string;
  localAddress: string;
}

export type ChildCommand =
  | { type: 'init'; id: number; root: string; host: string; port: number; patients: ChildPatient[] }
  /** Connects, all at once, this child's not-connected patients with from <= index < to. */
  | { type: 'connect'; id: number; from: number; to: number }
  | { type: 'leave'; id: number }
  /** Report broadcast `seq` once every connected patient of this child has decrypted it. */
  | { type: 'expect'; seq: number }
  | { type: 'close'; id: number };

export interface JoinResult {
  id: string;
  index: number;
  /** The patient's state when connect() settled ('admitted', 'disconnected', 'blocked', ...; 'error' if it threw). */
  state: string;
  reason: string | null;
  startedAt: number;
  /** When connect() settled (admitted = holds its first group key), on the shared clock. */
  at: number;
}

export type ChildReply =
  | { type: 'hello' }
  | { type: 'ready'; id: number }
  | { type: 'connected'; id: number; results: JoinResult[] }
  | { type: 'left'; id: number }
  /** `cpuMs`: the child's CPU from the expect command until its last patient decrypted. */
  | { type: 'delivered'; seq: number; times: number[]; cpuMs: number }
  | { type: 'closed'; id: number }
  | { type: 'error'; id: number; message: string };

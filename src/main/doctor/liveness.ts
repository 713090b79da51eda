/**
 * Liveness of admitted patients. TCP alone takes many minutes to give up on a dead link (a
 * cable pulled, an address lost), and until then the doctor would list the patient and count it
 * among a broadcast's recipients. So, on the doctor's timers, every tick (a sixth of the bound):
 * - each admitted patient that has had no heartbeat for a third of the bound gets one (opcode 45,
 *   MACed under a key from its session key; the patient answers with opcode 55);
 * - a patient from whom nothing authenticated (a new acknowledgement, a heartbeat reply) came for
 *   half the bound is marked unreachable (shown in the patient list; audited once);
 * - one silent for more than the bound less a tick is removed (opcode 60 UNREACHABLE, then a
 *   rekey as for any departure).
 * So a dead patient is gone between `boundMs - tick` and `boundMs` after its last sign of life.
 * The ticks run only while someone is admitted.
 */
import type { TimerHandle, Timers } from '../../shared/timers.js';

export interface LivenessPeer {
  readonly lastHeardAt: number;
  readonly lastHeartbeatAt: number;
  unreachable: boolean;
}

export interface LivenessDeps<P extends LivenessPeer> {
  boundMs: number;
  timers: Timers;
  now: () => number;
  /** The admitted sessions. */
  peers: () => Iterable<P>;
  heartbeat: (peer: P, everyMs: number) => void;
  /** Silent for half the bound: marked; `silentMs` since its last sign of life. */
  unreachable: (peer: P, silentMs: number) => void;
  /** Silent past the bound (less a tick): to be removed. */
  dead: (peer: P, silentMs: number) => void;
}

export class Liveness<P extends LivenessPeer> {
  readonly tickMs: number;
  readonly everyMs: number;
  private timer: TimerHandle | null = null;

  constructor(private readonly deps: LivenessDeps<P>) {
    this.tickMs = Math.max(1, Math.floor(deps.boundMs / 6));
    this.everyMs = Math.max(1, Math.floor(deps.boundMs / 3));
  }

  /** Someone was admitted: make sure the ticks run. */
  wake(): void {
    if (!this.timer) this.timer = this.deps.timers.after(this.tickMs, () => this.tick());
  }

  stop(): void {
    this.timer?.cancel();
    this.timer = null;
  }

  private tick(): void {
    this.timer = null;
    const now = this.deps.now();
    const dead: [P, number][] = [];
    let any = false;
    for (const peer of this.deps.peers()) {
      any = true;
      const silent = now - peer.lastHeardAt;
      if (silent > this.deps.boundMs - this.tickMs) {
        dead.push([peer, silent]);
        continue;
      }
      if (silent >= this.deps.boundMs / 2 && !peer.unreachable) {
        peer.unreachable = true;
        this.deps.unreachable(peer, silent);
      }
      if (now - peer.lastHeartbeatAt >= this.everyMs - this.tickMs / 2) this.deps.heartbeat(peer, this.everyMs);
    }
    for (const [peer, silent] of dead) this.deps.dead(peer, silent);
    if (any) this.wake();
  }
}

/** Milliseconds as seconds with one decimal, for audit rows. */
export function seconds(ms: number): string {
  return (ms / 1000).toFixed(1);
}

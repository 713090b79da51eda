/**
 * Timers as a seam: the doctor's and the patient's state machines take their deadlines
 * (handshake, first message, approval, request expiry) from a `Timers`, so tests run them on fake
 * time instead of waiting for real seconds under load. `systemTimers` is the real thing; timers
 * it makes never keep a process alive (a deadline is no reason to stay running).
 */
export interface TimerHandle {
  cancel(): void;
}

export interface Timers {
  /** Calls `fn` once, `ms` from now, unless the handle is cancelled first. */
  after(ms: number, fn: () => void): TimerHandle;
}

export const systemTimers: Timers = {
  after(ms, fn) {
    const timer = setTimeout(fn, Math.max(0, ms));
    (timer as { unref?: () => void }).unref?.();
    return { cancel: () => clearTimeout(timer) };
  },
};

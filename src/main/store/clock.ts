/**
 * The store's clock: the injected `now` (tests move it; the app passes Date.now), checked so a
 * broken clock cannot write NaN or fractional timestamps into the audit chain or the block list.
 */
import { StoreError } from './errors.js';

export type Clock = () => number;

export function checkedClock(now: () => number = Date.now): Clock {
  return () => {
    const value = now();
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > Number.MAX_SAFE_INTEGER) {
      throw new StoreError('BAD_INPUT', 'clock: now() must return milliseconds since the epoch as a finite number >= 0.');
    }
    return Math.floor(value);
  };
}

/** Renderer process. How times, durations and numbers read on screen (local time, 24-hour). */

function pad(value: number, width = 2): string {
  return String(value).padStart(width, '0');
}

/** 14:03:07 */
export function formatClock(ms: number): string {
  const d = new Date(ms);
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** 14:03:07.042, for handshake steps that follow each other within milliseconds. */
export function formatClockMs(ms: number): string {
  return `${formatClock(ms)}.${pad(new Date(ms).getMilliseconds(), 3)}`;
}

/** 2025-03-14 */
export function formatDate(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** 2025-03-14 14:03 */
export function formatDateTimeShort(ms: number): string {
  const d = new Date(ms);
  return `${formatDate(ms)} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** ISO string for a <time dateTime>. */
export function isoTime(ms: number): string {
  return new Date(ms).toISOString();
}

/** Time left as mm:ss (minutes keep counting past 59: 120:00), never negative. */
export function formatCountdown(msLeft: number): string {
  const total = Math.max(0, Math.ceil(msLeft / 1000));
  return `${pad(Math.floor(total / 60))}:${pad(total % 60)}`;
}

/** Spoken form of a countdown, for screen readers: "1 minute 5 seconds". */
export function describeCountdown(msLeft: number): string {
  const total = Math.max(0, Math.ceil(msLeft / 1000));
  const minutes = Math.floor(total / 60);
  const seconds = total % 60;
  const parts: string[] = [];
  if (minutes) parts.push(`${minutes} minute${minutes === 1 ? '' : 's'}`);
  if (seconds || !minutes) parts.push(`${seconds} second${seconds === 1 ? '' : 's'}`);
  return parts.join(' ');
}

/** The seed's table shows averages with four decimals. */
export function formatMs(ms: number): string {
  return ms.toFixed(4);
}

/** medchat-audit-20250314.csv, in local time. */
export function auditCsvFilename(now: Date): string {
  return `medchat-audit-${now.getFullYear()}${pad(now.getMonth() + 1)}${pad(now.getDate())}.csv`;
}

export function auditCheckpointFilename(now: Date): string {
  return `medchat-audit-checkpoint-${now.getFullYear()}${pad(now.getMonth() + 1)}${pad(now.getDate())}-${pad(now.getHours())}${pad(now.getMinutes())}.json`;
}

/** "a port from 1 to 65535" as a number, or null. */
export function parsePort(text: string): number | null {
  if (!/^\d{1,5}$/.test(text.trim())) return null;
  const port = Number(text.trim());
  return port >= 1 && port <= 65535 ? port : null;
}

/**
 * How the patient names and finds its pins on doctors: by what it dialled (address and group),
 * never by what the peer answered, with the doctor id that proved the key recorded inside; and
 * the pins older versions wrote ("doctorId@host:port/groupId"), still honoured.
 */
import type { Group } from '../crypto/index.js';
import type { Pin, PinStore } from '../store/index.js';
import { ID_PATTERN } from '../../shared/rules.js';
import { hostPort } from '../../shared/address.js';

/**
 * The address the patient dialled, as a pin names it: the host in lower case, an IPv6 address
 * in brackets ("[fd00::1]:5050"), then the port.
 */
export function dialledAddress(host: string, port: number): string {
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  return hostPort(bare.toLowerCase(), port);
}

/**
 * The pin id for the doctor: only what the patient chose (where it dialled, which group), never
 * what the peer answered, so whoever answers at a pinned address must prove the pinned key under
 * the pinned doctor id. The doctor id is recorded inside the pin (see doctorKeyJson).
 */
export function doctorPinId(host: string, port: number, groupId: string): string {
  return `${dialledAddress(host, port)}/${groupId}`;
}

/** What a doctor pin's publicKey holds: p, g, y in hex and the doctor id that proved them. */
export function doctorKeyJson(group: Group, y: bigint, doctorId: string): string {
  return JSON.stringify({ p: group.p.toString(16), g: group.g.toString(16), y: y.toString(16), doctorId });
}

/** The doctor id recorded in a pin's publicKey, or null when it has none (or a malformed one). */
function pinnedDoctorIdOf(publicKey: string): string | null {
  try {
    const parsed: unknown = JSON.parse(publicKey);
    const id = typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>)['doctorId'] : undefined;
    return typeof id === 'string' && ID_PATTERN.test(id) ? id : null;
  } catch {
    return null;
  }
}

/** The pin that governs a dialled address and group: its row, the doctor id it names, and its form. */
export interface DoctorPin {
  pin: Pin;
  doctorId: string | null;
  /** Written by an older version as "doctorId@host:port/groupId". */
  legacy: boolean;
}

/**
 * Pins written by older versions for this address and group ("doctorId@host:port/groupId",
 * host as typed). The doctor id is what precedes the last "@" (hosts have none).
 */
function legacyPinsFor(pins: readonly Pin[], address: string, groupId: string): DoctorPin[] {
  const suffix = `/${groupId}`;
  const found: DoctorPin[] = [];
  for (const pin of pins) {
    if (!pin.peerId.endsWith(suffix)) continue;
    const head = pin.peerId.slice(0, -suffix.length);
    const at = head.lastIndexOf('@');
    const doctorId = head.slice(0, at);
    const where = head.slice(at + 1);
    const colon = where.lastIndexOf(':');
    const portText = where.slice(colon + 1);
    if (at <= 0 || !ID_PATTERN.test(doctorId) || colon <= 0 || !/^\d{1,5}$/.test(portText)) continue;
    if (dialledAddress(where.slice(0, colon), Number(portText)) !== address) continue;
    found.push({ pin, doctorId, legacy: true });
  }
  return found;
}

/**
 * The pin for a dialled address and group: the current-format one, else a legacy one (the one
 * naming `doctorId` if any, else the most recently seen), else none.
 */
export function findDoctorPin(pins: PinStore, pinId: string, address: string, groupId: string, doctorId: string): DoctorPin | null {
  const pin = pins.get(pinId);
  if (pin) return { pin, doctorId: pinnedDoctorIdOf(pin.publicKey), legacy: false };
  const legacy = legacyPinsFor(pins.list(), address, groupId).sort((a, b) => b.pin.lastSeen - a.pin.lastSeen);
  return legacy.find((l) => l.doctorId === doctorId) ?? legacy[0] ?? null;
}

// The browser-mode bridge client (src/renderer/bridge.ts) against a fake socket: queueing before
// open, replies matched by id, events, and the lost state that every pending and later call sees.
import { describe, expect, it } from 'vitest';
import { BRIDGE_LOST_CODE, createSocketApi } from '../../src/renderer/bridge.js';
import type { SocketLike } from '../../src/renderer/bridge.js';

class FakeSocket implements SocketLike {
  readyState = 0;
  sent: string[] = [];
  onopen: SocketLike['onopen'] = null;
  onclose: SocketLike['onclose'] = null;
  onerror: SocketLike['onerror'] = null;
  onmessage: SocketLike['onmessage'] = null;
  send(data: string) {
    this.sent.push(data);
  }
  close() {
    this.readyState = 3;
    this.onclose?.({} as CloseEvent);
  }
  open() {
    this.readyState = 1;
    this.onopen?.({} as Event);
  }
  receive(frame: unknown) {
    this.onmessage?.({ data: typeof frame === 'string' ? frame : JSON.stringify(frame) } as MessageEvent);
  }
  request(i: number): { id: number; channel: string; arg: unknown } {
    return JSON.parse(this.sent[i]!) as { id: number; channel: string; arg: unknown };
  }
}

function setup() {
  const socket = new FakeSocket();
  const api = createSocketApi(() => socket);
  return { socket, api };
}

describe('createSocketApi', () => {
  it('queues calls until the socket opens, then sends them in order with a null arg for void', async () => {
    const { socket, api } = setup();
    expect(api.status().state).toBe('connecting');
    const info = api.invoke('app.info', undefined);
    const block = api.invoke('doctor.block', { patientId: 'p1', minutes: 2 });
    expect(socket.sent).toHaveLength(0);
    socket.open();
    expect(api.status().state).toBe('open');
    expect(socket.sent).toHaveLength(2);
    expect(socket.request(0)).toMatchObject({ channel: 'app.info', arg: null });
    expect(socket.request(1)).toMatchObject({ channel: 'doctor.block', arg: { patientId: 'p1', minutes: 2 } });
    // Replies may come back in any order; each goes to its own call.
    socket.receive({ id: socket.request(1).id, result: { ok: false, error: { code: 'UNKNOWN_PATIENT', message: 'No patient p1.' } } });
    socket.receive({ id: socket.request(0).id, result: { ok: true, value: { role: null } } });
    await expect(block).resolves.toEqual({ ok: false, error: { code: 'UNKNOWN_PATIENT', message: 'No patient p1.' } });
    await expect(info).resolves.toEqual({ ok: true, value: { role: null } });
  });

  it('accepts a void success that arrives without a value', async () => {
    const { socket, api } = setup();
    socket.open();
    const call = api.invoke('doctor.unblock', { patientId: 'p1' });
    socket.receive({ id: socket.request(0).id, result: { ok: true } });
    await expect(call).resolves.toMatchObject({ ok: true });
  });

  it('turns a malformed reply into an error result instead of throwing', async () => {
    const { socket, api } = setup();
    socket.open();
    const call = api.invoke('app.info', undefined);
    socket.receive('not json');
    socket.receive({ id: socket.request(0).id, result: { ok: 'yes' } });
    const result = await call;
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.code).toBe('BAD_REPLY');
  });

  it('delivers events to listeners until they unsubscribe', () => {
    const { socket, api } = setup();
    socket.open();
    const seen: unknown[] = [];
    const off = api.on('patient.message', (m) => seen.push(m.text));
    socket.receive({ event: 'patient.message', payload: { seq: 1, epoch: 1, sentAt: 1, receivedAt: 2, text: 'hello' } });
    off();
    socket.receive({ event: 'patient.message', payload: { seq: 2, epoch: 1, sentAt: 1, receivedAt: 2, text: 'again' } });
    expect(seen).toEqual(['hello']);
  });

  it('resolves pending and later calls with BRIDGE_LOST when the socket closes, and reports it once', async () => {
    const { socket, api } = setup();
    const states: string[] = [];
    api.onStatus((s) => states.push(s.state));
    socket.open();
    const pending = api.invoke('doctor.snapshot', undefined);
    socket.close();
    socket.onerror?.({} as Event);
    const pendingResult = await pending;
    const later = await api.invoke('doctor.snapshot', undefined);
    for (const result of [pendingResult, later]) {
      expect(result.ok).toBe(false);
      if (!result.ok) {
        expect(result.error.code).toBe(BRIDGE_LOST_CODE);
        expect(result.error.message).toMatch(/Connection to MedChatSecure lost/);
      }
    }
    expect(states).toEqual(['open', 'lost']);
    expect(socket.sent).toHaveLength(1);
  });

  it('drops queued calls when the socket fails before opening', async () => {
    const { socket, api } = setup();
    const call = api.invoke('app.info', undefined);
    socket.onerror?.({} as Event);
    expect((await call).ok).toBe(false);
    socket.open();
    expect(socket.sent).toHaveLength(0);
    expect(api.status().state).toBe('lost');
  });

  it('lets only the contract channels through, with the preload\'s own guards (guardedApi)', async () => {
    const { socket, api } = setup();
    socket.open();
    const unknown = api.invoke('app.quit' as 'app.info', undefined);
    await expect(unknown).resolves.toEqual({ ok: false, error: { code: 'UNKNOWN_CHANNEL', message: expect.any(String) } });
    expect(socket.sent).toHaveLength(0);
    expect(() => api.on('doctor.snapshot' as 'doctor.changed', () => {})).toThrow(TypeError);
    expect(() => api.on('doctor.changed', 'not a function' as unknown as () => void)).toThrow(TypeError);
  });
});

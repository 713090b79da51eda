import { describe, expect, it } from 'vitest';
import { createChannelPair, type FrameHandler } from '../../../src/main/net/index.js';
import { settle } from '../../fixtures/fake-time.js';

function recorder(holdFirst = false): FrameHandler & { log: string[]; release: () => void } {
  const log: string[] = [];
  let release = (): void => {};
  let gate: Promise<void> | null = holdFirst ? new Promise<void>((r) => (release = r)) : null;
  return {
    log,
    release: () => release(),
    async onFrame(body) {
      log.push(`start ${new TextDecoder().decode(body)}`);
      const held = gate;
      gate = null;
      if (held) await held;
      log.push(`end ${new TextDecoder().decode(body)}`);
    },
    onProtocolError: (e) => void log.push(`error ${e.code}`),
    onClose: () => void log.push('closed'),
  };
}

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

describe('in-memory channel pair', () => {
  it('reports each peer address and delivers frames in order, one at a time', async () => {
    const [a, b] = createChannelPair({ ip: '10.0.0.1', port: 1111 }, { ip: '10.0.0.2', port: 2222 });
    expect(a.address).toBe('10.0.0.2:2222');
    expect(b.address).toBe('10.0.0.1:1111');
    expect(b.remoteIp).toBe('10.0.0.1');
    const h = recorder(true);
    b.start(h);
    a.send(utf8('one'));
    a.send(utf8('two'));
    await settle();
    expect(h.log).toEqual(['start one']); // 'two' waits for the handler of 'one'
    h.release();
    await settle();
    expect(h.log).toEqual(['start one', 'end one', 'start two', 'end two']);
  });

  it('delivers a last frame before the close, and refuses to send after it', async () => {
    const [a, b] = createChannelPair();
    const h = recorder();
    b.start(h);
    await a.end(utf8('bye'));
    await settle();
    expect(h.log).toEqual(['start bye', 'end bye', 'closed']);
    expect(a.isOpen).toBe(false);
    expect(a.send(utf8('late'))).toBe(false);
    expect(b.send(utf8('late'))).toBe(false);
  });

  it('keeps frames that arrive before start() and turns a throwing handler into a protocol error', async () => {
    const [a, b] = createChannelPair();
    a.send(utf8('early'));
    const log: string[] = [];
    b.start({ onFrame: () => { throw new Error('boom'); }, onProtocolError: (e) => void log.push(e.code), onClose: () => void log.push('closed') });
    await settle();
    expect(log).toEqual(['INTERNAL']);
    a.destroy();
    expect(log).toEqual(['INTERNAL', 'closed']);
  });
});

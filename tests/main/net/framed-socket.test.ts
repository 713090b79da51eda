// FramedSocket over a real loopback connection: frames split and coalesced, one at a time in
// order, a bad frame reported as a protocol error, and a last frame flushed before the close.
import { afterEach, describe, expect, it } from 'vitest';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { FramedSocket } from '../../../src/main/net/index.js';
import { encodeFrame } from '../../../src/main/protocol/index.js';

let server: Server | null = null;
afterEach(() => new Promise<void>((r) => (server ? server.close(() => r()) : r())));

/** A connected pair: the raw client socket and the server side wrapped in a FramedSocket. */
function pair(): Promise<{ raw: Socket; framed: FramedSocket }> {
  return new Promise((resolve) => {
    server = createServer((socket) => resolve({ raw, framed: new FramedSocket(socket) }));
    let raw!: Socket;
    server.listen(0, '127.0.0.1', () => {
      raw = connect((server!.address() as { port: number }).port, '127.0.0.1');
    });
  });
}

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);
const text = (b: Uint8Array): string => new TextDecoder().decode(b);

describe('FramedSocket', () => {
  it('hands split and coalesced frames to the handler in order, one at a time', async () => {
    const { raw, framed } = await pair();
    const seen: string[] = [];
    let busy = false;
    let overlapped = false;
    const done = new Promise<void>((resolve) =>
      framed.start({
        async onFrame(body) {
          overlapped ||= busy;
          busy = true;
          await new Promise((r) => setTimeout(r, 5));
          seen.push(text(body));
          busy = false;
          if (seen.length === 3) resolve();
        },
        onProtocolError: () => {},
        onClose: () => {},
      }),
    );
    const bytes = Buffer.concat([encodeFrame(utf8('a')), encodeFrame(utf8('bb')), encodeFrame(utf8('ccc'))]);
    raw.write(bytes.subarray(0, 3));
    raw.write(bytes.subarray(3));
    await done;
    expect(seen).toEqual(['a', 'bb', 'ccc']);
    expect(overlapped).toBe(false);
    expect(framed.address).toMatch(/^127\.0\.0\.1:\d+$/);
    raw.destroy();
  });

  it('reports an oversized frame as FRAME_TOO_LARGE without buffering it', async () => {
    const { raw, framed } = await pair();
    const code = new Promise<string>((resolve) => framed.start({ onFrame: () => {}, onProtocolError: (e) => resolve(e.code), onClose: () => {} }));
    raw.write(Buffer.from([0x7f, 0xff, 0xff, 0xff]));
    expect(await code).toBe('FRAME_TOO_LARGE');
    raw.destroy();
  });

  it('flushes a last frame before closing', async () => {
    const { raw, framed } = await pair();
    framed.start({ onFrame: () => {}, onProtocolError: () => {}, onClose: () => {} });
    const chunks: Buffer[] = [];
    raw.on('data', (c: Buffer) => chunks.push(c));
    const closed = new Promise<void>((r) => raw.on('close', () => r()));
    raw.on('end', () => raw.end());
    await framed.end(utf8('{"op":60}'));
    await closed;
    expect(Buffer.concat(chunks).equals(Buffer.from(encodeFrame(utf8('{"op":60}'))))).toBe(true);
    expect(framed.isOpen).toBe(false);
    expect(framed.send(utf8('late'))).toBe(false);
  });
});

import { describe, expect, it } from 'vitest';
import { encodeFrame, FrameDecoder, MAX_FRAME_BYTES, ProtocolError } from '../../../src/main/protocol/index.js';

const bytes = (...n: number[]): Uint8Array => new Uint8Array(n);

describe('FrameDecoder', () => {
  it('returns every frame of one read (the seed lost the second of two)', () => {
    const d = new FrameDecoder();
    const joined = Buffer.concat([encodeFrame(bytes(1, 2)), encodeFrame(bytes(3)), encodeFrame(bytes())]);
    expect(d.push(joined).map((f) => [...f])).toEqual([[1, 2], [3], []]);
    expect(d.pendingBytes).toBe(0);
  });

  it('reassembles a frame split at every possible byte', () => {
    const body = new Uint8Array(5000).map((_, i) => i % 251);
    const frame = encodeFrame(body);
    for (const cut of [1, 2, 3, 4, 5, 100, 4999, frame.length - 1]) {
      const d = new FrameDecoder();
      expect(d.push(frame.subarray(0, cut))).toEqual([]);
      const out = d.push(frame.subarray(cut));
      expect(out).toHaveLength(1);
      expect(Buffer.from(out[0]!).equals(Buffer.from(body))).toBe(true);
    }
  });

  it('feeds byte by byte', () => {
    const d = new FrameDecoder();
    const frame = encodeFrame(new TextEncoder().encode('{"op":5}'));
    const out = [...frame].flatMap((b) => d.push(bytes(b)));
    expect(new TextDecoder().decode(out[0])).toBe('{"op":5}');
  });

  it('accepts a frame of exactly the cap and refuses a larger declared length before buffering it', () => {
    const d = new FrameDecoder();
    expect(d.push(encodeFrame(new Uint8Array(MAX_FRAME_BYTES)))).toHaveLength(1);
    const header = new Uint8Array(4);
    new DataView(header.buffer).setUint32(0, MAX_FRAME_BYTES + 1);
    expect(() => d.push(header)).toThrow(ProtocolError);
    expect(() => d.push(bytes(1))).toThrow(/already failed/);
  });

  it('refuses to encode an oversized body', () => {
    expect(() => encodeFrame(new Uint8Array(MAX_FRAME_BYTES + 1))).toThrow(expect.objectContaining({ code: 'FRAME_TOO_LARGE' }));
  });
});

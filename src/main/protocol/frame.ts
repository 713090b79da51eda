/**
 * Framing: each message is a 4-byte big-endian length followed by that many bytes of UTF-8 JSON.
 * The decoder accepts bytes in any split (several frames in one read, one frame over many reads)
 * and refuses a declared length above the cap before buffering it, so a peer cannot make us
 * hold more than one capped frame in memory.
 */
import { MAX_FRAME_BYTES } from '../../shared/rules.js';
import { ProtocolError } from './errors.js';

export { MAX_FRAME_BYTES };
const HEADER = 4;

export function encodeFrame(body: Uint8Array): Uint8Array {
  if (body.length > MAX_FRAME_BYTES) throw new ProtocolError('FRAME_TOO_LARGE', `${body.length} bytes`);
  const out = new Uint8Array(HEADER + body.length);
  new DataView(out.buffer).setUint32(0, body.length);
  out.set(body, HEADER);
  return out;
}

/** The frame of a JSON text, written straight into one buffer (no separate body copy). */
export function encodeTextFrame(json: string): Uint8Array {
  const length = Buffer.byteLength(json, 'utf8');
  if (length > MAX_FRAME_BYTES) throw new ProtocolError('FRAME_TOO_LARGE', `${length} bytes`);
  const out = Buffer.allocUnsafe(HEADER + length);
  out.writeUInt32BE(length, 0);
  out.write(json, HEADER, 'utf8');
  return out;
}

export class FrameDecoder {
  private chunks: Uint8Array[] = [];
  private buffered = 0;
  private failed = false;

  constructor(private readonly maxFrameBytes = MAX_FRAME_BYTES) {}

  /** Bytes held for an incomplete frame. */
  get pendingBytes(): number {
    return this.buffered;
  }

  /** Appends bytes and returns every complete frame body; throws ProtocolError on a bad length. */
  push(bytes: Uint8Array): Uint8Array[] {
    if (this.failed) throw new ProtocolError('MALFORMED_FRAME', 'decoder already failed');
    if (bytes.length > 0) {
      this.chunks.push(bytes);
      this.buffered += bytes.length;
    }
    const frames: Uint8Array[] = [];
    for (;;) {
      if (this.buffered < HEADER) break;
      const length = this.peekLength();
      if (length > this.maxFrameBytes) {
        this.failed = true;
        throw new ProtocolError('FRAME_TOO_LARGE', `declared ${length} bytes`);
      }
      if (this.buffered < HEADER + length) break;
      const frame = this.take(HEADER + length);
      frames.push(frame.subarray(HEADER));
    }
    return frames;
  }

  private peekLength(): number {
    const header = this.chunks[0]!.length >= HEADER ? this.chunks[0]! : this.concat(HEADER);
    return new DataView(header.buffer, header.byteOffset, HEADER).getUint32(0);
  }

  private concat(length: number): Uint8Array {
    const out = new Uint8Array(length);
    let offset = 0;
    for (const chunk of this.chunks) {
      const n = Math.min(chunk.length, length - offset);
      out.set(chunk.subarray(0, n), offset);
      offset += n;
      if (offset === length) break;
    }
    return out;
  }

  private take(length: number): Uint8Array {
    const out = this.concat(length);
    let remaining = length;
    while (remaining > 0) {
      const head = this.chunks[0]!;
      if (head.length <= remaining) {
        this.chunks.shift();
        remaining -= head.length;
      } else {
        this.chunks[0] = head.subarray(remaining);
        remaining = 0;
      }
    }
    this.buffered -= length;
    return out;
  }
}

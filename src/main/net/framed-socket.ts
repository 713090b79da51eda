/**
 * A TCP socket speaking length-prefixed frames (protocol/frame.ts). Frames are handed to one
 * async handler strictly in order, one at a time; while the handler is busy and frames queue up,
 * the socket stops reading (TCP backpressure) instead of buffering without bound. A peer that
 * sends a bad frame gets the handler's protocol-error callback, never a crash; a peer that stops
 * reading our output gets the same callback (NOT_READING) once a megabyte is waiting for it, so
 * its session ends with a reason, and nothing more is queued for it meanwhile.
 */
import type { Socket } from 'node:net';
import { encodeFrame, FrameDecoder, MAX_FRAME_BYTES, ProtocolError } from '../protocol/index.js';
import type { FrameHandler, FramedChannel } from './channel.js';
import { hostPort } from '../../shared/address.js';

const MAX_QUEUED_FRAMES = 16;
export const MAX_UNSENT_BYTES = 1024 * 1024;
const END_TIMEOUT_MS = 2000;

export type { FrameHandler } from './channel.js';

export class FramedSocket implements FramedChannel {
  readonly address: string;
  private readonly decoder: FrameDecoder;
  private readonly queue: Uint8Array[] = [];
  private handler: FrameHandler | null = null;
  private draining = false;
  private closed = false;
  private ending = false;
  private corked = false;
  private stalled = false;

  constructor(
    private readonly socket: Socket,
    maxFrameBytes = MAX_FRAME_BYTES,
  ) {
    const ip = socket.remoteAddress ?? 'unknown';
    // IPv6 in brackets, so the port cannot be read as part of the address (RFC 3986's form).
    this.address = hostPort(ip, socket.remotePort ?? 0);
    this.decoder = new FrameDecoder(maxFrameBytes);
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', () => socket.destroy());
    socket.on('close', () => {
      this.closed = true;
      this.queue.length = 0;
      this.handler?.onClose();
    });
  }

  /** Remote IP without the port: the unit of rate limiting. */
  get remoteIp(): string {
    return this.socket.remoteAddress ?? 'unknown';
  }

  get isOpen(): boolean {
    return !this.closed && !this.ending;
  }

  start(handler: FrameHandler): void {
    this.handler = handler;
    void this.drain();
  }

  private onData(chunk: Buffer): void {
    if (this.ending || this.closed) return;
    let frames: Uint8Array[];
    try {
      frames = this.decoder.push(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    } catch (error) {
      this.socket.pause();
      this.handler?.onProtocolError(error instanceof ProtocolError ? error : new ProtocolError('MALFORMED_FRAME'));
      return;
    }
    this.queue.push(...frames);
    if (this.queue.length > MAX_QUEUED_FRAMES) this.socket.pause();
    void this.drain();
  }

  private async drain(): Promise<void> {
    if (this.draining || !this.handler) return;
    this.draining = true;
    try {
      while (this.queue.length > 0 && !this.closed && !this.ending) {
        const frame = this.queue.shift()!;
        try {
          await this.handler.onFrame(frame);
        } catch (error) {
          this.handler.onProtocolError(error instanceof ProtocolError ? error : new ProtocolError('INTERNAL'));
        }
        if (this.queue.length <= MAX_QUEUED_FRAMES / 2 && !this.ending) this.socket.resume();
      }
    } finally {
      this.draining = false;
    }
  }

  /** Queues one frame; false when the socket is closing or the peer is not reading. */
  send(body: Uint8Array): boolean {
    return this.sendFrame(encodeFrame(body));
  }

  sendFrame(frame: Uint8Array): boolean {
    if (!this.isOpen) return false;
    if (this.socket.writableLength > MAX_UNSENT_BYTES) {
      this.stall();
      return false;
    }
    // Frames queued in one turn (a rekey's opcode 30 and the broadcast after it) leave in one
    // writev: the socket is corked at the first and uncorked once the turn's code has run.
    if (!this.corked) {
      this.corked = true;
      this.socket.cork();
      queueMicrotask(() => {
        this.corked = false;
        this.socket.uncork();
      });
    }
    this.socket.write(frame);
    return true;
  }

  /** Told once, after the caller's turn (it may be looping over recipients); a handler-less socket just closes. */
  private stall(): void {
    if (this.stalled) return;
    this.stalled = true;
    const unsent = `${(this.socket.writableLength / (1024 * 1024)).toFixed(1)} MiB waiting unsent`;
    queueMicrotask(() => {
      if (this.closed) return;
      if (this.handler) this.handler.onProtocolError(new ProtocolError('NOT_READING', unsent));
      else this.socket.destroy();
    });
  }

  /** Sends a last frame (if any), then closes once it is flushed or after a short grace time. */
  end(lastFrame?: Uint8Array): Promise<void> {
    if (this.closed) return Promise.resolve();
    if (lastFrame && this.isOpen) this.socket.write(encodeFrame(lastFrame));
    this.ending = true;
    this.queue.length = 0;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.socket.destroy();
        resolve();
      }, END_TIMEOUT_MS);
      timer.unref();
      this.socket.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
      this.socket.end();
    });
  }

  destroy(): void {
    this.socket.destroy();
  }
}

/**
 * Two framed channels joined in memory, for tests that run a doctor and a patient (or a hostile
 * peer) without sockets. Like FramedSocket, each end hands frames to its handler one at a time,
 * in order, waiting for the handler before the next; `end(last)` delivers the last frame before
 * the peer sees the close. Frames are copied, so neither side can change what the other holds.
 * A `link` shared by both ends models the path between them: while `link.up` is false, frames
 * vanish on the way as on a dead network path (the sender is not told, as with TCP).
 */
import { ProtocolError } from '../protocol/index.js';
import type { FrameHandler, FramedChannel } from './channel.js';
import { hostPort } from '../../shared/address.js';

class MemoryChannel implements FramedChannel {
  peer!: MemoryChannel;
  private handler: FrameHandler | null = null;
  private readonly inbox: Uint8Array[] = [];
  private draining = false;
  private closed = false;
  private ending = false;
  private closeWhenDrained = false;

  constructor(
    readonly address: string,
    readonly remoteIp: string,
    private readonly link: { up: boolean },
  ) {}

  get isOpen(): boolean {
    return !this.closed && !this.ending;
  }

  start(handler: FrameHandler): void {
    this.handler = handler;
    void this.drain();
  }

  send(body: Uint8Array): boolean {
    if (!this.isOpen || this.peer.closed) return false;
    if (this.link.up) this.peer.receive(new Uint8Array(body));
    return true;
  }

  sendFrame(frame: Uint8Array): boolean {
    return this.send(frame.subarray(4));
  }

  end(lastFrame?: Uint8Array): Promise<void> {
    if (this.closed) return Promise.resolve();
    if (lastFrame && this.isOpen) this.send(lastFrame);
    this.ending = true;
    this.inbox.length = 0;
    this.peer.closeAfterInbox();
    this.close();
    return Promise.resolve();
  }

  destroy(): void {
    this.close();
    this.peer.close();
  }

  private receive(body: Uint8Array): void {
    if (this.closed || this.ending) return;
    this.inbox.push(body);
    void this.drain();
  }

  private closeAfterInbox(): void {
    this.closeWhenDrained = true;
    if (!this.draining) queueMicrotask(() => void this.drain());
  }

  private async drain(): Promise<void> {
    if (this.draining || !this.handler) return;
    this.draining = true;
    try {
      while (this.inbox.length > 0 && !this.closed) {
        const frame = this.inbox.shift()!;
        try {
          await this.handler.onFrame(frame);
        } catch (error) {
          this.handler.onProtocolError(error instanceof ProtocolError ? error : new ProtocolError('INTERNAL'));
        }
      }
    } finally {
      this.draining = false;
    }
    if (this.closeWhenDrained) this.close();
  }

  private close(): void {
    if (this.closed) return;
    this.closed = true;
    this.inbox.length = 0;
    this.handler?.onClose();
  }
}

/** Two joined ends: `a` as seen by `b`'s owner is at `a.address`, and the reverse. */
export function createChannelPair(
  a: { ip: string; port: number } = { ip: '127.0.0.1', port: 40000 },
  b: { ip: string; port: number } = { ip: '127.0.0.1', port: 5050 },
  link: { up: boolean } = { up: true },
): [FramedChannel, FramedChannel] {
  // Each end reports its PEER's address, as a socket's remoteAddress does.
  const first = new MemoryChannel(hostPort(b.ip, b.port), b.ip, link);
  const second = new MemoryChannel(hostPort(a.ip, a.port), a.ip, link);
  first.peer = second;
  second.peer = first;
  return [first, second];
}

/**
 * What a state machine needs of a connection: frames in (one at a time, in order), frames out,
 * a last frame and a close. `FramedSocket` is the TCP one; `createChannelPair()` (memory.ts)
 * joins two ends in memory, so a whole handshake runs in a unit test without sockets.
 */
import type { ProtocolError } from '../protocol/index.js';

export interface FrameHandler {
  onFrame(body: Uint8Array): Promise<void> | void;
  onProtocolError(error: ProtocolError): void;
  onClose(): void;
}

export interface FramedChannel {
  /** host:port of the peer (IPv6 in brackets). */
  readonly address: string;
  /** The peer's IP without the port: the unit of rate limiting. */
  readonly remoteIp: string;
  readonly isOpen: boolean;
  /** Starts delivering frames to the handler (frames that arrived before are queued). */
  start(handler: FrameHandler): void;
  /** Queues one frame; false when the channel is closing or the peer is not reading. */
  send(body: Uint8Array): boolean;
  /**
   * Queues a frame already encoded by encodeFrame (header and body), so one broadcast is encoded
   * once for all its recipients; the bytes are not copied and must not change afterwards.
   */
  sendFrame(frame: Uint8Array): boolean;
  /** Sends a last frame (if any), then closes. */
  end(lastFrame?: Uint8Array): Promise<void>;
  destroy(): void;
}

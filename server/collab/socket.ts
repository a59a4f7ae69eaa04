/**
 * The minimal socket a room needs. The WebSocket edge adapts `ws` to it, and
 * room tests use in-memory pairs, so the room never sees a transport.
 */
import type { SharedFrame } from './sharedFrame.ts'

export interface RoomSocket {
  send(data: Uint8Array): void
  /**
   * Optional fast path for broadcasts: write the frame that every recipient
   * shares (`frame.wire()`, framed once) as is. Sockets without it get
   * `send(frame.data)`.
   */
  sendShared?(frame: SharedFrame): void
  close(code: number, reason: string): void
  /** Bytes queued but not yet written to the network. */
  readonly bufferedAmount: number
}

/**
 * The minimal socket a room needs. The WebSocket edge adapts `ws` to it, and
 * room tests use in-memory pairs, so the room never sees a transport.
 */
export interface RoomSocket {
  send(data: Uint8Array): void
  close(code: number, reason: string): void
  /** Bytes queued but not yet written to the network. */
  readonly bufferedAmount: number
}

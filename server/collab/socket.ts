/**
 * The minimal socket a room needs. The WebSocket edge adapts `ws` to it, and
 * room tests use in-memory pairs, so the room never sees a transport.
 */
export interface RoomSocket {
  send(data: Uint8Array): void
  /**
   * Optional fast path for broadcasts: write an already framed WebSocket
   * message as is. Sockets without it get `send(data)`.
   */
  sendFramed?(wire: Buffer): void
  close(code: number, reason: string): void
  /** Bytes queued but not yet written to the network. */
  readonly bufferedAmount: number
}

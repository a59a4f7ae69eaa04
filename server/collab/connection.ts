import { CloseCode, CLOSE_REASONS, type CloseCodeValue } from '../../shared/closeCodes.ts'
import type { ConnectionOrigin } from './origins.ts'
import type { RoomSocket } from './socket.ts'
import type { SharedFrame } from './sharedFrame.ts'

export interface ConnectionOptions {
  /** Viewers receive the document and awareness; their updates are dropped. */
  readOnly: boolean
  /** Close the socket rather than queue more than this many bytes. */
  maxBufferedBytes: number
  /** The name in the connection's token (servers with AUTH_SECRET): who its edits are by. */
  name?: string
}

/**
 * One client's connection to a room. It remembers the awareness client ids
 * it has announced, so closing it removes exactly those states.
 */
export class Connection {
  readonly origin: ConnectionOrigin
  /** Created on first use: most connections of an idle room never need it. */
  private ownIds: Set<number> | null = null
  closed = false

  constructor(
    readonly socket: RoomSocket,
    readonly options: ConnectionOptions,
  ) {
    this.origin = { kind: 'connection', connection: this }
  }

  /** The awareness client ids this connection introduced. */
  get awarenessIds(): Set<number> {
    return (this.ownIds ??= new Set())
  }

  get hasAwarenessIds(): boolean {
    return this.ownIds !== null && this.ownIds.size > 0
  }

  get readOnly(): boolean {
    return this.options.readOnly
  }

  /**
   * Send, or close a client that stopped reading. Dropping the frame instead
   * would silently desync it; closing makes it reconnect and resync from its
   * state vector, and keeps the server's memory bounded.
   */
  send(data: Uint8Array): void {
    if (this.writable()) this.socket.send(data)
  }

  /** Send a broadcast message that every recipient shares. */
  sendShared(frame: SharedFrame): void {
    if (!this.writable()) return
    if (this.socket.sendShared) this.socket.sendShared(frame)
    else this.socket.send(frame.data)
  }

  private writable(): boolean {
    if (this.closed) return false
    if (this.socket.bufferedAmount > this.options.maxBufferedBytes) {
      this.close(CloseCode.SlowConsumer)
      return false
    }
    return true
  }

  close(code: CloseCodeValue, reason: string = CLOSE_REASONS[code]): void {
    if (this.closed) return
    this.closed = true
    this.socket.close(code, reason)
  }
}

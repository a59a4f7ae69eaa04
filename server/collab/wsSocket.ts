/**
 * `ws` adapted to the room's `RoomSocket`, with the writes of one
 * event-loop turn coalesced: the first write of a turn corks the TCP socket
 * and the next tick uncorks it, so a join (SyncStep1, awareness, SyncStep2)
 * or a busy turn (several updates, an awareness batch) leaves as one
 * `writev` instead of one syscall per message.
 */
import type { Socket } from 'node:net'
import type { WebSocket } from 'ws'
import type { RoomSocket } from './socket.ts'
import type { SharedFrame } from './sharedFrame.ts'

/** `ws` keeps its TCP socket here; stable across ws 7 and 8. */
type WsWithSocket = WebSocket & { _socket?: Socket }

export class WsRoomSocket implements RoomSocket {
  private readonly raw: Socket | undefined
  private corked = false

  constructor(
    private readonly ws: WebSocket,
    /** Told of every close the room asks for (counted by code). */
    private readonly onClose: (code: number) => void = () => {},
  ) {
    this.raw = (ws as WsWithSocket)._socket
  }

  send(data: Uint8Array): void {
    if (this.ws.readyState !== this.ws.OPEN) return
    this.cork()
    this.ws.send(data)
  }

  /**
   * Broadcasts are framed once by the room; writing the frame straight to
   * the TCP socket is what `ws.send` does (no compression, and a server does
   * not mask), minus the per-socket framing.
   */
  sendShared(frame: SharedFrame): void {
    if (this.ws.readyState !== this.ws.OPEN) return
    this.cork()
    if (this.raw) this.raw.write(frame.wire())
    else this.ws.send(frame.data)
  }

  close(code: number, reason: string): void {
    if (this.ws.readyState !== this.ws.OPEN && this.ws.readyState !== this.ws.CONNECTING) return
    this.ws.close(code, reason)
    this.onClose(code)
  }

  /** Includes what is corked: it is queued in the socket's writable state. */
  get bufferedAmount(): number {
    return this.ws.bufferedAmount
  }

  private cork(): void {
    if (this.corked || !this.raw) return
    this.corked = true
    this.raw.cork()
    process.nextTick(uncork, this)
  }

  /** @internal */
  uncorkNow(): void {
    this.corked = false
    // cork() nests; ws's own cork/uncork pairs inside a send leave ours.
    this.raw?.uncork()
  }
}

function uncork(socket: WsRoomSocket): void {
  socket.uncorkNow()
}

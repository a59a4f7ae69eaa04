/**
 * Knows whether every local change has provably reached the server's storage
 * over the current connection (see syncProbe.ts for why a SyncStep2 answer
 * proves it).
 *
 * Bookkeeping per connection:
 * - The provider sends its own SyncStep1 when the socket opens; its answer
 *   proves nothing about our later replies, so it sits first in the queue as
 *   a probe without a version.
 * - Offline edits reach the server only in our SyncStep2 reply to the
 *   server's SyncStep1. So probes are sent only after the server's SyncStep1
 *   has been seen (the provider replies synchronously while handling it, so
 *   that reply is already on the wire before our probe).
 * - Each probe records the local version at send time; an answer counts only
 *   if no local change happened since.
 */
import type * as Y from 'yjs'
import { encodeProbe, probeEvent } from './syncProbe.ts'

/** The part of a WebSocket the tracker needs (tests pass a fake). */
export interface ProbeSocket {
  readonly readyState: number
  send(data: Uint8Array): void
  addEventListener(type: 'message', listener: (event: MessageEvent) => void): void
  removeEventListener(type: 'message', listener: (event: MessageEvent) => void): void
}

export interface SaveState {
  /** The server's SyncStep1 arrived on this connection: the sync handshake is under way. */
  handshake: boolean
  /** Every local change so far is stored on the server. */
  saved: boolean
}

export interface SaveTrackerOptions {
  doc: Y.Doc
  /** True for transaction origins that came from the server (they need no saving). */
  isRemoteOrigin: (origin: unknown) => boolean
  onChange: (state: SaveState) => void
  /** Coalesces probes while someone types. */
  probeDelayMs?: number
}

const OPEN = 1

export class SaveTracker {
  private readonly options: SaveTrackerOptions
  private socket: ProbeSocket | null = null
  /** Local version each outstanding SyncStep1 was sent at; null for the provider's own. */
  private pending: Array<number | null> = []
  private localVersion = 0
  private probeTimer: ReturnType<typeof setTimeout> | null = null
  private state: SaveState = { handshake: false, saved: false }

  constructor(options: SaveTrackerOptions) {
    this.options = options
    options.doc.on('update', this.onDocUpdate)
  }

  get current(): SaveState {
    return this.state
  }

  /** Follow a new connection's socket (call before it opens). */
  attach(socket: ProbeSocket): void {
    if (socket === this.socket) return
    this.detach()
    this.socket = socket
    this.pending = [null]
    socket.addEventListener('message', this.onMessage)
  }

  detach(): void {
    this.socket?.removeEventListener('message', this.onMessage)
    this.socket = null
    this.pending = []
    this.clearProbeTimer()
    this.setState({ handshake: false, saved: false })
  }

  destroy(): void {
    this.detach()
    this.options.doc.off('update', this.onDocUpdate)
  }

  private readonly onDocUpdate = (_update: Uint8Array, origin: unknown) => {
    if (this.options.isRemoteOrigin(origin)) return
    this.localVersion++
    if (this.state.saved) this.setState({ ...this.state, saved: false })
    this.scheduleProbe(this.options.probeDelayMs ?? 250)
  }

  private readonly onMessage = (event: MessageEvent) => {
    const data: unknown = event.data
    if (!(data instanceof ArrayBuffer) && !(data instanceof Uint8Array)) return
    const heard = probeEvent(data)
    if (heard === 'server-step1' && !this.state.handshake) {
      this.setState({ handshake: true, saved: false })
      // Deferred so the provider's synchronous SyncStep2 reply goes out first.
      this.scheduleProbe(0)
    } else if (heard === 'answer') {
      const probeVersion = this.pending.shift()
      if (probeVersion !== undefined && probeVersion !== null && probeVersion === this.localVersion) {
        this.setState({ ...this.state, saved: true })
      }
    }
  }

  private scheduleProbe(delayMs: number): void {
    if (this.probeTimer !== null) return
    this.probeTimer = setTimeout(() => {
      this.probeTimer = null
      this.sendProbe()
    }, delayMs)
  }

  private sendProbe(): void {
    const socket = this.socket
    // Without a handshake yet, the server's SyncStep1 will trigger the probe.
    if (!socket || socket.readyState !== OPEN || !this.state.handshake) return
    this.pending.push(this.localVersion)
    socket.send(encodeProbe(this.options.doc))
  }

  private clearProbeTimer(): void {
    if (this.probeTimer !== null) clearTimeout(this.probeTimer)
    this.probeTimer = null
  }

  private setState(next: SaveState): void {
    if (next.handshake === this.state.handshake && next.saved === this.state.saved) return
    this.state = next
    this.options.onChange(next)
  }
}

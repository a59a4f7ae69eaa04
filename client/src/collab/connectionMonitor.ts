/**
 * Watches one provider and turns what it observes (socket status, the save
 * probe, `navigator.onLine`, permanent close codes) into a snapshot that React
 * reads with `useSyncExternalStore`.
 */
import type { WebsocketProvider } from 'y-websocket'
import { isPermanentClose } from '../../../shared/index.ts'
import { describePermanentClose, type PermanentClose } from './closeReason.ts'
import { deriveIndicator, type ConnectionFacts, type Indicator } from './indicator.ts'
import { SaveTracker, type SaveState } from './saveTracker.ts'

export interface ConnectionSnapshot {
  /** Null once `closed`: the refusal is the whole story then. */
  indicator: Indicator | null
  closed: PermanentClose | null
}

export interface ConnectionMonitorOptions {
  /** A blip shorter than this shows "Reconnecting…" rather than "Offline". */
  offlineAfterMs?: number
}

export class ConnectionMonitor {
  private readonly provider: WebsocketProvider
  private readonly tracker: SaveTracker
  private readonly offlineAfterMs: number
  private readonly listeners = new Set<() => void>()
  private offlineTimer: ReturnType<typeof setTimeout> | null = null
  private facts: ConnectionFacts
  private closed: PermanentClose | null = null
  private snapshot: ConnectionSnapshot

  constructor(provider: WebsocketProvider, options: ConnectionMonitorOptions = {}) {
    this.provider = provider
    this.offlineAfterMs = options.offlineAfterMs ?? 4000
    this.facts = {
      online: navigator.onLine,
      status: 'connecting',
      everConnected: false,
      handshake: false,
      saved: false,
      longDisconnected: false,
      closed: false,
    }
    this.snapshot = { indicator: deriveIndicator(this.facts), closed: null }
    // Updates the provider applied came from the server; everything else is ours.
    this.tracker = new SaveTracker({
      doc: provider.doc,
      isRemoteOrigin: (origin) => origin === provider,
      onChange: this.onSaveState,
    })
    provider.on('status', this.onStatus)
    provider.on('connection-close', this.onConnectionClose)
    window.addEventListener('online', this.onOnlineChange)
    window.addEventListener('offline', this.onOnlineChange)
    if (provider.ws) this.tracker.attach(provider.ws)
    this.startOfflineTimer()
  }

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  readonly getSnapshot = (): ConnectionSnapshot => this.snapshot

  destroy(): void {
    this.provider.off('status', this.onStatus)
    this.provider.off('connection-close', this.onConnectionClose)
    window.removeEventListener('online', this.onOnlineChange)
    window.removeEventListener('offline', this.onOnlineChange)
    this.stopOfflineTimer()
    this.tracker.destroy()
    this.listeners.clear()
  }

  private readonly onStatus = ({ status }: { status: ConnectionFacts['status'] }) => {
    // The provider creates the socket right before it reports "connecting".
    if (this.provider.ws) this.tracker.attach(this.provider.ws)
    if (status === 'disconnected') this.tracker.detach()
    if (status !== 'connected') this.startOfflineTimer()
    this.update({ status })
  }

  private readonly onSaveState = (state: SaveState) => {
    if (state.handshake) {
      this.stopOfflineTimer()
      this.update({ ...state, everConnected: true, longDisconnected: false })
    } else {
      this.update(state)
    }
  }

  private readonly onConnectionClose = (event: CloseEvent | null) => {
    if (!event || !isPermanentClose(event.code)) return
    this.closed = describePermanentClose(event.code)
    // y-websocket already stops for 44xx; disconnecting also closes the
    // BroadcastChannel. Deferred: we are inside the provider's close handler.
    queueMicrotask(() => this.provider.disconnect())
    this.stopOfflineTimer()
    this.update({ closed: true })
  }

  private readonly onOnlineChange = () => {
    this.update({ online: navigator.onLine })
  }

  private startOfflineTimer(): void {
    if (this.offlineTimer !== null || this.facts.longDisconnected) return
    this.offlineTimer = setTimeout(() => {
      this.offlineTimer = null
      if (!this.facts.handshake) this.update({ longDisconnected: true })
    }, this.offlineAfterMs)
  }

  private stopOfflineTimer(): void {
    if (this.offlineTimer !== null) clearTimeout(this.offlineTimer)
    this.offlineTimer = null
  }

  private update(changes: Partial<ConnectionFacts>): void {
    this.facts = { ...this.facts, ...changes }
    const indicator = deriveIndicator(this.facts)
    if (indicator === this.snapshot.indicator && this.closed === this.snapshot.closed) return
    this.snapshot = { indicator, closed: this.closed }
    for (const listener of this.listeners) listener()
  }
}

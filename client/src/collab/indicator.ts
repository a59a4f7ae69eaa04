/**
 * What the connection indicator says, derived from observed facts only.
 * "Saved" requires proof from the server (see saveTracker.ts); everything
 * else errs on the side of "not yet".
 *
 * A permanent refusal (deleted, link expired, no access) has no indicator at
 * all: "Offline" next to it would promise a sync that will never come, and
 * the closed banner already says what happened, once.
 */
export type Indicator = 'saved' | 'saving' | 'offline' | 'reconnecting' | 'connecting'

export interface ConnectionFacts {
  /** `navigator.onLine`; false is reliable, true is only a hint. */
  online: boolean
  status: 'connecting' | 'connected' | 'disconnected'
  /** A connection completed its handshake at least once on this page. */
  everConnected: boolean
  /** The current connection saw the server's SyncStep1. */
  handshake: boolean
  saved: boolean
  /** Not connected for longer than the grace period. */
  longDisconnected: boolean
  /** A permanent refusal: the provider stopped retrying. */
  closed: boolean
}

export function deriveIndicator(facts: ConnectionFacts): Indicator | null {
  if (facts.closed) return null
  if (!facts.online || facts.longDisconnected) return 'offline'
  if (facts.status === 'connected' && facts.handshake) return facts.saved ? 'saved' : 'saving'
  return facts.everConnected ? 'reconnecting' : 'connecting'
}

export const INDICATOR_LABELS: Record<Indicator, string> = {
  saved: 'Saved',
  saving: 'Saving…',
  offline: 'Offline',
  reconnecting: 'Reconnecting…',
  connecting: 'Connecting…',
}

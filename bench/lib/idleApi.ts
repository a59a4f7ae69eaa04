/**
 * The calls a coordinator makes to an idle-connection worker
 * (bench/workers/idle.ts), which holds thousands of raw `ws` sockets that
 * speak just enough of the y-websocket protocol to be real clients to the
 * server: the same handshake and awareness traffic as a WebsocketProvider on
 * an empty, idle tab, without a Y.Doc per socket in the load generator.
 */
export interface IdleOpenResult {
  synced: number
  failed: number
  /** ms from `new WebSocket` to the server's SyncStep2, per synced socket. */
  connectMs: number[]
  /** A few failure reasons, for the report. */
  errors: string[]
}

export interface IdleStatus {
  open: number
  synced: number
  /** Sockets that closed after syncing. */
  drops: number
  closeCodes: Record<string, number>
  framesIn: number
  bytesIn: number
  awarenessSent: number
}

export interface ProbeSamples {
  /** Latency of each marker seen in an update frame, µs (see workers/idle.ts). */
  latenciesUs: Float64Array
  count: number
}

export interface IdleApi {
  open: {
    req: { wsUrl: string; docIds: string[]; concurrency: number; timeoutMs: number; renewAwarenessMs: number; scanMarkers?: boolean; scanTokens?: boolean }
    res: IdleOpenResult
  }
  /** Marker latencies seen by sockets opened with `scanMarkers` (and forget them). */
  probeSamples: { req: null; res: ProbeSamples }
  /** First arrival of each AI token seen by sockets opened with `scanTokens`, as flat (job, index, µs) triples (and forget them). */
  tokenArrivals: { req: null; res: { flat: Float64Array } }
  status: { req: null; res: IdleStatus }
  close: { req: null; res: null }
}

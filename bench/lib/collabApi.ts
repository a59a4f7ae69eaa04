/**
 * The calls a coordinator makes to a collab worker (bench/workers/collab.ts),
 * which holds real y-websocket `WebsocketProvider` clients.
 *
 * Latency is measured inside the text itself: a writer inserts a marker
 * `[key:seq:t]` where t is `nowUs()` at the insert, and every other client
 * subtracts t from its own `nowUs()` when the marker reaches its document
 * (both read the system-wide monotonic clock). For AI jobs the server writes
 * the text, so the tokens carry ids instead (`j<job>t<index>x`) and observers
 * report when each id first appeared; the coordinator knows when it sent it.
 */
export interface ClientSpec {
  /** Unique across all workers of a run. */
  key: number
  docId: string
}

export type ObserveMode = 'markers' | 'tokens'

export interface OpenResult {
  synced: number
  failed: number
  /** Per client: ms from creating the provider to its first 'sync'. */
  connectMs: number[]
}

export interface WriterPlan {
  key: number
  /** Index of the top-level paragraph this writer appends to. */
  paragraph: number
  count: number
  intervalMs: number
  /** First insert at this `nowUs()` time. */
  startAtUs: number
}

export interface ClientReport {
  key: number
  docId: string
  /** Remote markers observed (markers mode), or distinct tokens seen (tokens mode). */
  observed: number
  /** Latency of each observed marker, µs. */
  latenciesUs: Float64Array
  /** When each observed marker was inserted (its writer's `nowUs()`), for latency-over-time analysis. */
  sentUs: Float64Array
  /** Base64 of the document's state vector. */
  stateVector: string
  textSha1: string
  textLength: number
  /** Doc updates received from the server. */
  remoteUpdates: number
  firstUpdateUs: number
  lastUpdateUs: number
  /** Connection closes after the first sync (the provider reconnects). */
  drops: number
  /** Tokens mode: job and token index of each first sighting, and when. */
  tokenJobs: Int32Array
  tokenIndexes: Int32Array
  tokenSeenUs: Float64Array
}

export interface CollabApi {
  open: { req: { wsUrl: string; clients: ClientSpec[]; observe: ObserveMode; concurrency: number; timeoutMs: number }; res: OpenResult }
  /** Client `key` adds `paragraphs` paragraphs with `text`; returns an anchor (base64 relative position) at the end of the first. */
  seed: { req: { key: number; paragraphs: number; text: string }; res: { anchor: string } }
  /** Wait until every client here sees at least `paragraphs` top-level blocks. */
  waitBlocks: { req: { paragraphs: number; timeoutMs: number }; res: null }
  /** Run the writers' inserts; resolves after the last one. */
  type: { req: { writers: WriterPlan[] }; res: { inserts: number } }
  /** Wait until each listed client has observed its expected count of remote markers (or tokens). */
  drain: { req: { expected: [key: number, count: number][]; timeoutMs: number }; res: { missing: number } }
  /** Forget samples so far (after a warm-up). */
  reset: { req: null; res: null }
  collect: { req: null; res: ClientReport[] }
  close: { req: null; res: null }
}

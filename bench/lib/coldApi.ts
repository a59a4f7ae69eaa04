/**
 * The calls a coordinator makes to the cold-load worker
 * (bench/workers/cold.ts): build a long edit history through the server,
 * keep a client in the room, and time fresh clients joining.
 */
export interface BuildResult {
  edits: number
  /** Base64 state vector of the finished document. */
  stateVector: string
  stateBytes: number
  textLength: number
  ms: number
}

export interface JoinResult {
  /** ms from creating the provider until the server's SyncStep2 frame had fully arrived (before applying it). */
  frameMs: number
  /** ms from creating the provider until the document holds the whole history. */
  contentMs: number
  /** ms until the provider emitted 'sync'. */
  syncMs: number
  /** The provider said it was synced while the content was still missing. */
  syncedBeforeContent: boolean
}

export interface ColdApi {
  /** `edits` edits in `sessions` consecutive client sessions; a watcher client stays connected afterwards. */
  build: { req: { wsUrl: string; docId: string; edits: number; sessions: number; seed: number }; res: BuildResult }
  /** Disconnect the watcher (the room may unload). */
  release: { req: null; res: null }
  join: { req: { wsUrl: string; docId: string; stateVector: string; timeoutMs: number }; res: JoinResult }
}

/**
 * The AI event log as a seam: where a job's events live so that any
 * instance can replay and follow them. The job's own instance keeps its
 * EventLog (../eventLog.ts) for its own streams and mirrors every event here;
 * every other instance reads from here.
 *
 * Promises the contract suite (tests/ai/eventStoreContract.ts) holds every
 * implementation to:
 *   - `append` stores event `id` only right after `id - 1`, in order; an id
 *     that is already taken rejects with `EventIdTaken` (first writer wins).
 *     That is how an instance that sees the job's instance die ends the job
 *     with an `instance_lost` error without racing the others doing the same:
 *     all of them try id `lastId + 1`, one succeeds, the rest are told.
 *   - `follow(afterId)` delivers every event after `afterId` exactly once, in
 *     order: first what is stored, then live ones, and stops by itself after
 *     the terminal event.
 *   - `head` names the job's document and instance (from its start event),
 *     its last id and whether it has ended; null for an unknown or expired job.
 *   - `keepAlive(jobId, ttlMs)` says the job's instance is alive for the
 *     next `ttlMs`; `head().alive` is false once that has run out, so a job
 *     whose instance died is noticed within the TTL, by any instance.
 *   - `settle` records how the job was resolved (accept or discard); the
 *     first outcome wins and later ones are ignored, as with the job itself.
 *   - Everything about a job expires `retentionMs` after its last append, so
 *     memory is bounded by the jobs of the retention period.
 */
import type { AiAcceptResult, AiEventRecord } from '../../../shared/aiProtocol.ts'

export type StartRecord = Extract<AiEventRecord, { type: 'start' }>

export interface JobHead {
  docId: string
  /** The instance that runs (or ran) the job. */
  instance: string
  lastId: number
  ended: boolean
  /** The job's instance renewed its keep-alive within the TTL it gave. */
  alive: boolean
  /** The terminal event, once there is one. */
  terminal: AiEventRecord | null
}

export type JobOutcome = AiAcceptResult | { status: 'discarded' }

export interface Following {
  /** Resolves once the stored events have been delivered and live ones will follow. */
  readonly ready: Promise<void>
  /** Stop delivering. Idempotent. */
  close(): void
}

export interface AiEventStore {
  /** Store the job's next event; `instance` is recorded with the start event (id 1). */
  append(jobId: string, record: AiEventRecord, instance: string): Promise<void>
  head(jobId: string): Promise<JobHead | null>
  /** Events after `afterId`, then live ones; `onEnd` after the terminal event, or with an error if reading failed. */
  follow(jobId: string, afterId: number, onEvent: (record: AiEventRecord) => void, onEnd: (err?: Error) => void): Following
  keepAlive(jobId: string, ttlMs: number): Promise<void>
  settle(jobId: string, outcome: JobOutcome): Promise<void>
  outcome(jobId: string): Promise<JobOutcome | null>
  close(): Promise<void>
}

export class EventIdTaken extends Error {
  override name = 'EventIdTaken'
  constructor(jobId: string, id: number) {
    super(`event ${id} of AI job ${jobId} is already stored (another instance ended the job)`)
  }
}

export const EVENT_STORE_DEFAULTS = {
  retentionMs: 10 * 60_000,
  /**
   * A safety bound on one job's stream (Redis MAXLEN). A job sends at most
   * one delta per model token plus start and end, so with AI_MAX_OUTPUT_TOKENS
   * below this nothing is ever trimmed; the bound only stops a runaway job.
   */
  maxEvents: 100_000,
} as const

/**
 * The AI event store in memory. One instance shares it with itself; tests
 * share one among several in-process instances, as they share a memory hub.
 * Expiry is lazy: looking at a job, or appending to any, drops the jobs
 * untouched for `retentionMs`.
 */
import { isTerminalEvent, type AiEventRecord } from '../../../shared/aiProtocol.ts'
import { EVENT_STORE_DEFAULTS, EventIdTaken, type AiEventStore, type Following, type JobHead, type JobOutcome } from './types.ts'

interface Entry {
  records: AiEventRecord[]
  instance: string
  listeners: Set<(record: AiEventRecord) => void>
  outcome: JobOutcome | null
  touchedAt: number
  aliveUntil: number
}

export class MemoryEventStore implements AiEventStore {
  private readonly jobs = new Map<string, Entry>()
  /** Keep-alives of jobs whose start event is not stored yet. */
  private readonly alive = new Map<string, number>()
  private readonly retentionMs: number

  constructor(opts: { retentionMs?: number; now?: () => number } = {}) {
    this.retentionMs = opts.retentionMs ?? EVENT_STORE_DEFAULTS.retentionMs
    if (opts.now) this.now = opts.now
  }

  private now = () => Date.now()

  async append(jobId: string, record: AiEventRecord, instance: string): Promise<void> {
    this.sweep()
    let entry = this.jobs.get(jobId)
    if (!entry) {
      if (record.id !== 1) throw new Error(`AI job ${jobId} must start with event 1, not ${record.id}`)
      entry = { records: [], instance, listeners: new Set(), outcome: null, touchedAt: 0, aliveUntil: this.alive.get(jobId) ?? 0 }
      this.alive.delete(jobId)
      this.jobs.set(jobId, entry)
    }
    if (record.id <= entry.records.length) throw new EventIdTaken(jobId, record.id)
    if (record.id !== entry.records.length + 1) throw new Error(`AI job ${jobId}: event ${record.id} would leave a gap after ${entry.records.length}`)
    entry.records.push(record)
    entry.touchedAt = this.now()
    for (const l of entry.listeners) l(record)
  }

  async head(jobId: string): Promise<JobHead | null> {
    const entry = this.entry(jobId)
    if (!entry) return null
    const start = entry.records[0]
    if (start?.type !== 'start') return null
    const last = entry.records[entry.records.length - 1]!
    const ended = isTerminalEvent(last)
    return { docId: start.data.docId, instance: entry.instance, lastId: last.id, ended, alive: entry.aliveUntil > this.now(), terminal: ended ? last : null }
  }

  follow(jobId: string, afterId: number, onEvent: (record: AiEventRecord) => void, onEnd: (err?: Error) => void): Following {
    const entry = this.entry(jobId)
    let open = true
    const close = () => {
      open = false
      entry?.listeners.delete(send)
    }
    const send = (record: AiEventRecord) => {
      if (!open || record.id <= afterId) return
      afterId = record.id
      onEvent(record)
      if (open && isTerminalEvent(record)) {
        close()
        onEnd()
      }
    }
    // Synchronous: nothing can be appended between the backlog and the subscription.
    if (entry) {
      for (const r of entry.records.slice(afterId)) send(r)
      if (open) entry.listeners.add(send)
    }
    return { ready: Promise.resolve(), close }
  }

  async keepAlive(jobId: string, ttlMs: number): Promise<void> {
    const entry = this.entry(jobId)
    // Before the start event (the first keep-alive comes first), kept aside.
    if (entry) entry.aliveUntil = this.now() + ttlMs
    else this.alive.set(jobId, this.now() + ttlMs)
  }

  async settle(jobId: string, outcome: JobOutcome): Promise<void> {
    const entry = this.entry(jobId)
    if (entry && !entry.outcome) entry.outcome = outcome
  }

  async outcome(jobId: string): Promise<JobOutcome | null> {
    return this.entry(jobId)?.outcome ?? null
  }

  async close(): Promise<void> {
    this.jobs.clear()
    this.alive.clear()
  }

  private entry(jobId: string): Entry | undefined {
    const entry = this.jobs.get(jobId)
    if (entry && entry.touchedAt < this.now() - this.retentionMs) {
      // Too old to serve even if the sweep has not come by yet.
      this.jobs.delete(jobId)
      return undefined
    }
    return entry
  }

  private sweptAt = 0

  /** At most once a second: appends come at up to 20 per second per job. */
  private sweep(): void {
    const now = this.now()
    if (now - this.sweptAt < 1000) return
    this.sweptAt = now
    const cutoff = now - this.retentionMs
    for (const [id, entry] of this.jobs) if (entry.touchedAt < cutoff) this.jobs.delete(id)
  }
}

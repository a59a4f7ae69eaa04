/**
 * The AI jobs of one server: starting them (with their limits), finding them
 * for resume/cancel/accept/discard, and forgetting them once their events
 * have been kept for the retention period. With several instances, `shared`
 * mirrors every job's events to the shared event store and reaches jobs
 * running elsewhere (sharedJobs.ts).
 *
 * Draining (a rolling deploy's SIGTERM): no new jobs (503), running ones
 * finish, up to the drain timeout; shutdown then cancels what is left.
 */
import { randomUUID } from 'node:crypto'
import type { Schema } from '@tiptap/pm/model'
import type { AiRequest } from '../../shared/aiProtocol.ts'
import { documentSchema } from '../../shared/editorSchema.ts'
import type { ServerConfig } from '../config.ts'
import { withIds, type Logger } from '../log.ts'
import type { RoomRegistry } from '../collab/registry.ts'
import { DocumentDeletedError } from '../collab/room.ts'
import { ApiError } from '../http/errors.ts'
import { AiJob } from './job.ts'
import { resolveAnchor } from './anchors.ts'
import { docText } from './docText.ts'
import { buildMessages } from './prompt.ts'
import type { ModelClient } from './provider.ts'
import { promptSelection, tableAt, type WriteTarget } from './writer/index.ts'
import { MemoryAdmission, type AdmissionLimits, type AdmissionRefusal, type AiAdmission } from './admission/index.ts'
import { SharedJobs, type SharedJobsOptions } from './sharedJobs.ts'
import type { Metrics } from '../metrics/index.ts'

export interface AiJobsOptions {
  config: ServerConfig['ai']
  registry: RoomRegistry
  log: Logger
  /** null when no provider is configured. */
  model: ModelClient | null
  notConfiguredMessage: string
  /** Several instances: the shared event store and the bus (sharedJobs.ts). */
  shared?: Omit<SharedJobsOptions, 'log' | 'localJob'>
  /** Where the limits are counted: Redis for the whole cluster; this instance's memory by default. */
  admission?: AiAdmission
  metrics?: Metrics
}

export const DRAINING_MESSAGE = 'This server is shutting down and takes no new AI jobs; try again (another server will take it).'

export class AiJobs {
  private readonly jobs = new Map<string, AiJob>()
  private readonly schema: Schema = documentSchema()
  private readonly sweeper: NodeJS.Timeout
  private readonly admission: AiAdmission
  private readonly limits: AdmissionLimits
  readonly shared: SharedJobs | null
  private draining = false

  constructor(private readonly opts: AiJobsOptions) {
    this.shared = opts.shared ? new SharedJobs({ ...opts.shared, log: opts.log, localJob: (id) => this.jobs.get(id) }) : null
    this.admission = opts.admission ?? new MemoryAdmission()
    const { ratePerMinute, rateBurst, serverRatePerMinute, maxConcurrentJobs } = opts.config
    this.limits = {
      person: { perMinute: ratePerMinute, burst: rateBurst },
      server: { perMinute: serverRatePerMinute, burst: Math.max(1, Math.ceil(serverRatePerMinute / 6)) },
      maxJobs: maxConcurrentJobs,
    }
    this.sweeper = setInterval(() => this.sweep(), Math.min(60_000, opts.config.eventRetentionMs))
    this.sweeper.unref()
  }

  get configured(): boolean {
    return this.opts.model !== null
  }

  get runningCount(): number {
    let n = 0
    for (const j of this.jobs.values()) if (j.running) n++
    return n
  }

  health() {
    const draining = this.draining ? { draining: true } : {}
    return this.configured
      ? { configured: true, runningJobs: this.runningCount, ...draining }
      : { configured: false, runningJobs: 0, message: this.opts.notConfiguredMessage, ...draining }
  }

  status() {
    return this.opts.model
      ? { configured: true, model: this.opts.model.model }
      : { configured: false, model: null, message: this.opts.notConfiguredMessage }
  }

  get(jobId: string): AiJob | undefined {
    return this.jobs.get(jobId)
  }

  /**
   * Start a job for `person`, if the admission (admission/: in memory, or
   * Redis for the whole cluster) lets it run; it counts until it finishes.
   */
  async start(docId: string, request: AiRequest, person: string, reqId?: string): Promise<AiJob> {
    const model = this.opts.model
    if (!model) throw new ApiError(503, 'ai_not_configured', this.opts.notConfiguredMessage)
    if (this.draining) throw new ApiError(503, 'shutting_down', DRAINING_MESSAGE, { retryAfter: 1 })
    const { config } = this.opts
    if (request.instruction && request.instruction.length > config.maxInstructionChars) {
      throw new ApiError(413, 'payload_too_large', `instruction is longer than ${config.maxInstructionChars} characters`)
    }
    const id = randomUUID()
    const admission = await this.admission.admit({ jobId: id, person, docId, limits: this.limits })
    if (!admission.admitted) throw new ApiError(429, 'rate_limited', refusalMessage(admission.reason, admission.retryAfter, config.maxConcurrentJobs), { retryAfter: admission.retryAfter })
    const release = () => this.admission.release(id)
    try {
      // Draining began while Redis answered: the drain has already counted the running jobs.
      if (this.draining) throw new ApiError(503, 'shutting_down', DRAINING_MESSAGE, { retryAfter: 1 })
      const job = await this.create(id, docId, request, person, model, reqId)
      void job.finished.then(release, release)
      return job
    } catch (err) {
      await release()
      throw err
    }
  }

  private async create(id: string, docId: string, request: AiRequest, person: string, model: ModelClient, reqId?: string): Promise<AiJob> {
    const { config } = this.opts
    const room = await this.opts.registry.acquire(docId).catch((err: unknown) => {
      if (err instanceof DocumentDeletedError) throw new ApiError(404, 'not_found', `no document ${docId}`)
      throw err
    })
    const from = await resolveAnchor(request.anchor.from, room, 'anchor.from')
    const to = request.anchor.to ? await resolveAnchor(request.anchor.to, room, 'anchor.to') : null
    // So every AI change can be looked back on: a version of the document as
    // the job found it (not taken when that content is the newest version).
    await room.versions?.take('before-ai')
    const target: WriteTarget =
      request.op === 'rewrite' && to
        ? { kind: 'replace', from, to }
        : request.op === 'summarize'
          ? { kind: 'blockAfter', at: to ?? from }
          : { kind: 'insert', at: from }

    const text = docText(room.doc, room.fragment)
    const [shownFrom, shownTo] = target.kind === 'replace' ? promptSelection(room.doc, room.fragment, from, target.to) : [from, to]
    const a = text.offsetOf(shownFrom) ?? text.text.length
    const b = shownTo ? (text.offsetOf(shownTo) ?? a) : a
    const [start, hi] = a <= b ? [a, b] : [b, a]
    let lo = start
    // A selection that starts between blocks starts with their blank line: it belongs to the text before.
    while (lo < hi && text.text[lo] === '\n') lo++
    const table = target.kind === 'insert' ? tableAt(room.doc, target.at) : null
    const messages = buildMessages(
      request,
      { before: text.text.slice(0, lo), selection: text.text.slice(lo, hi), after: text.text.slice(hi), ...(table && { tableColumns: table.columns }) },
      config.contextChars,
    )

    const job = new AiJob({
      id,
      person,
      room,
      request,
      target,
      schema: this.schema,
      messages,
      model,
      // Every line about the job carries its ids (and the request that started it).
      log: withIds(this.opts.log, { jobId: id, docId, ...(reqId && { reqId }) }),
      maxOutputTokens: config.maxOutputTokens,
      temperature: config.temperature,
      idleTimeoutMs: config.timeoutMs,
      flushIntervalMs: config.flushIntervalMs,
      ...(this.opts.metrics && { metrics: this.opts.metrics }),
    })
    this.jobs.set(job.id, job)
    await this.shared?.mirror(job)
    return job
  }

  /**
   * Stop taking new jobs and wait for the running ones to end, at most
   * `timeoutMs`; true when all ended in time.
   */
  async drain(timeoutMs: number): Promise<boolean> {
    this.draining = true
    const running = [...this.jobs.values()].filter((j) => j.running).map((j) => j.finished)
    if (running.length === 0) return true
    let timer: NodeJS.Timeout | undefined
    const timedOut = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)))
    const ended = await Promise.race([Promise.allSettled(running).then(() => true), timedOut])
    clearTimeout(timer)
    return ended
  }

  get isDraining(): boolean {
    return this.draining
  }

  /**
   * The document was deleted, or a version of it is being restored: stop
   * its jobs. Their text so far is gone with the document, or part of what
   * the restore replaces (kept in its before-restore version), so there is
   * nothing left to accept or discard.
   */
  cancelDocument(docId: string, why: 'deleted' | 'restored' = 'deleted'): AiJob[] {
    const stopped: AiJob[] = []
    for (const j of this.jobs.values()) {
      if (j.docId !== docId) continue
      if (why === 'restored') j.stopForRestore()
      else j.stopUnavailable()
      j.settle()
      stopped.push(j)
    }
    return stopped
  }

  /**
   * A version of the document is about to be restored: stop its jobs here
   * and resolve, with their ids, once they have ended and their last words
   * are stored and sent (with several instances: published on the bus), so
   * the restore that follows replaces them instead of racing them.
   */
  async stopForRestore(docId: string): Promise<string[]> {
    const stopped = this.cancelDocument(docId, 'restored')
    if (stopped.length === 0) return []
    await Promise.all(stopped.map((j) => j.finished.catch(() => undefined)))
    await this.opts.registry.get(docId)?.sent()
    return stopped.map((j) => j.id)
  }

  /** Stop every job (shutdown); what they wrote is kept. */
  async shutdown(): Promise<void> {
    clearInterval(this.sweeper)
    const running = [...this.jobs.values()].filter((j) => j.running)
    for (const j of running) j.cancel()
    await Promise.allSettled(running.map((j) => j.finished))
    const shared = this.shared
    if (shared) {
      // The undo record goes with this instance: an unresolved job is
      // accepted, and the other instances are told, so an Accept sent to them
      // later still gets the history and a Discard a clear 409.
      const open = [...this.jobs.values()].filter((j) => j.status !== 'accepted' && j.status !== 'discarded')
      await Promise.all(open.map((j) => shared.settled(j.id, j.accept())))
    }
    for (const j of this.jobs.values()) j.settle()
    await this.admission.close()
    // Every event is in the shared store before this instance says goodbye.
    await shared?.flush()
    this.shared?.close()
  }

  /**
   * Finished jobs keep their events for `eventRetentionMs` so clients can
   * resume; after that an unresolved job is accepted (its text stays) and
   * forgotten.
   */
  private sweep(): void {
    const cutoff = Date.now() - this.opts.config.eventRetentionMs
    for (const [id, job] of this.jobs) {
      const endedAt = job.events.endedAt
      if (endedAt !== null && endedAt < cutoff) {
        job.settle()
        this.jobs.delete(id)
      }
    }
  }
}

function refusalMessage(reason: AdmissionRefusal, retryAfter: number, maxJobs: number): string {
  switch (reason) {
    case 'job_in_document':
      return 'You already have an AI job running in this document. Stop it or wait for it to finish.'
    case 'max_jobs':
      return `The server is running its maximum of ${maxJobs} AI jobs; try again shortly.`
    case 'person_rate':
      return `You are sending AI requests too quickly; try again in ${retryAfter} s.`
    case 'server_rate':
      return `The server is handling too many AI requests; try again in ${retryAfter} s.`
  }
}

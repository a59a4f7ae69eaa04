/**
 * AI jobs across instances. A job runs on the instance that received its
 * POST; this object lets every other instance serve it:
 *
 *   - Mirror: every event of a job running here goes to the shared event
 *     store, in order (one append at a time per job), so any instance can
 *     replay and follow it (`head`, `follow`).
 *   - Commands: cancel, accept and discard sent to another instance arrive
 *     here as a bus `ai-command`. The bus is best effort, so the sender
 *     repeats it every COMMAND_REPEAT_MS until it sees the result in the
 *     store (all three commands are idempotent): cancel waits for the
 *     terminal event, accept and discard for the job's outcome (`settle`),
 *     which carries accept's undo history back to the requester.
 *   - A dead instance: while a job runs, its instance renews the job's
 *     keep-alive in the store every ALIVE_RENEW_MS (TTL ALIVE_TTL_MS). A job
 *     not ended whose keep-alive has run out, or whose instance went silent
 *     on the control channel for `peerTimeoutMs` or left without ending it,
 *     has lost its instance: every instance that follows the job (checked
 *     every ALIVE_RENEW_MS) or looks it up appends an `instance_lost` error
 *     as the next id; the store lets exactly one of them win, and every
 *     stream, everywhere, ends with it. So a SIGKILL ends the job's streams
 *     within about ALIVE_TTL_MS. If the job's instance was only stalled or
 *     partitioned, its next append is refused (EventIdTaken) and it stops the
 *     job, so the store never holds two endings.
 */
import { isTerminalEvent, type AiAcceptResult, type AiEventRecord, type AiJobStatus } from '../../shared/aiProtocol.ts'
import type { AiCommand, Bus, ControlMessage, InstanceId, Subscription } from '../bus/types.ts'
import { Peers } from '../collab/peers.ts'
import { withIds, type Logger } from '../log.ts'
import { EventIdTaken, type AiEventStore, type Following, type JobHead, type JobOutcome } from './events/index.ts'
import { JobStateError, type AiJob } from './job.ts'

export interface SharedJobsOptions {
  store: AiEventStore
  bus: Bus
  log: Logger
  /** The local job with this id, if it runs here. */
  localJob: (jobId: string) => AiJob | undefined
  heartbeatMs: number
  peerTimeoutMs: number
  /** How long a command sent to another instance may take before it counts as unreachable. */
  commandTimeoutMs?: number
}

const COMMAND_REPEAT_MS = 1000
/**
 * Longer than any pause a healthy instance takes (GC, a slow Redis reply),
 * short enough that a killed one's streams end within seconds.
 */
export const ALIVE_TTL_MS = 4000
const ALIVE_RENEW_MS = 1000
const POLL_MS = 25
/** Instances known dead; ids are random per process start, so this only grows with restarts. */
const MAX_DEAD = 1000

/** The job's instance does not answer (it may be dying): try again shortly. */
/** How long a new job's request waits for its start event to be in the shared store. */
const START_STORED_WAIT_MS = 1000

export class JobUnreachableError extends Error {
  override name = 'JobUnreachableError'
}

export class SharedJobs {
  readonly instanceId: InstanceId
  private readonly peers = new Peers()
  /** Every instance `peers` has ever been told about. */
  private readonly known = new Set<InstanceId>()
  private readonly dead = new Set<InstanceId>()
  /** Jobs of other instances that streams here follow: job id -> its instance. */
  private readonly followed = new Map<string, { instance: InstanceId; count: number }>()
  private readonly mirrors = new Set<Promise<void>>()
  private readonly control: Subscription
  private readonly timer: NodeJS.Timeout
  private readonly aliveCheck: NodeJS.Timeout
  private readonly commandTimeoutMs: number

  constructor(private readonly opts: SharedJobsOptions) {
    this.instanceId = opts.bus.instanceId
    this.commandTimeoutMs = opts.commandTimeoutMs ?? 10_000
    this.control = opts.bus.subscribeControl(this.onControl)
    this.timer = setInterval(() => {
      for (const gone of this.peers.takeSilent(opts.peerTimeoutMs)) this.instanceGone(gone)
    }, opts.heartbeatMs)
    this.timer.unref()
    this.aliveCheck = setInterval(() => this.checkFollowed(), ALIVE_RENEW_MS)
    this.aliveCheck.unref()
  }

  /**
   * Copy a local job's events to the store, in order, starting now.
   * Resolves once the start event is stored (or storing it failed, or took
   * longer than START_STORED_WAIT_MS): the caller answers the request only
   * then, so a client that has the job's id can find the job on any
   * instance, even if it reconnects elsewhere at once.
   */
  mirror(job: AiJob): Promise<void> {
    let chain = Promise.resolve()
    let broken = false
    const renew = () => void this.opts.store.keepAlive(job.id, ALIVE_TTL_MS).catch((err: unknown) => withIds(this.opts.log, { jobId: job.id }).warn(`AI job ${job.id}: renewing its keep-alive failed`, (err as Error).message))
    // Before the start event, so no instance ever sees the job without it.
    chain = this.opts.store.keepAlive(job.id, ALIVE_TTL_MS).catch(() => {})
    const renewal = setInterval(renew, ALIVE_RENEW_MS)
    renewal.unref()
    void job.finished.finally(() => clearInterval(renewal))
    const push = (record: AiEventRecord) => {
      if (broken) return
      const next = chain.then(() => this.opts.store.append(job.id, record, this.instanceId)).catch((err: unknown) => {
        broken = true
        if (err instanceof EventIdTaken) {
          // Another instance took us for dead and ended the job for everyone.
          withIds(this.opts.log, { jobId: job.id }).warn(`AI job ${job.id} was ended by another instance (this one was taken for dead); stopping it`)
          job.cancel()
        } else withIds(this.opts.log, { jobId: job.id }).error(`AI job ${job.id}: storing event ${record.id} in the shared event store failed; other instances will not see the rest`, err)
      })
      chain = next
      this.mirrors.add(next)
      void next.then(() => this.mirrors.delete(next))
    }
    // Not counted among the job's streams (EventLog.listenerCount) once it has ended.
    const stop = job.events.follow(0, (record) => {
      push(record)
      if (isTerminalEvent(record)) queueMicrotask(() => stop())
    })
    // A slow or unreachable store must not hold the job back: it runs locally either way.
    return new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, START_STORED_WAIT_MS)
      timer.unref()
      void chain.finally(() => {
        clearTimeout(timer)
        resolve()
      })
    })
  }

  /** Resolves when every event of local jobs so far is stored (before shutdown). */
  async flush(): Promise<void> {
    while (this.mirrors.size > 0) await Promise.allSettled([...this.mirrors])
  }

  /** The job as the store knows it; a job whose instance is known dead is ended first. */
  async head(jobId: string): Promise<JobHead | null> {
    const head = await this.opts.store.head(jobId)
    if (head && this.lost(head)) {
      await this.endLost(jobId, head)
      return this.opts.store.head(jobId)
    }
    return head
  }

  /** Follow a job of another instance (for an SSE stream). */
  follow(jobId: string, head: JobHead, afterId: number, onEvent: (r: AiEventRecord) => void, onEnd: (err?: Error) => void): () => void {
    // An instance that dies before we ever heard its heartbeat is still
    // noticed: it counts as heard now, and silent from here on.
    if (head.instance !== this.instanceId && !this.known.has(head.instance) && !this.dead.has(head.instance)) this.seen(head.instance)
    const entry = this.followed.get(jobId) ?? { instance: head.instance, count: 0 }
    entry.count++
    this.followed.set(jobId, entry)
    let released = false
    const release = () => {
      if (released) return
      released = true
      if (--entry.count === 0) this.followed.delete(jobId)
    }
    const following: Following = this.opts.store.follow(jobId, afterId, onEvent, (err) => {
      release()
      onEnd(err)
    })
    return () => {
      release()
      following.close()
    }
  }

  async cancel(jobId: string): Promise<AiJobStatus> {
    const head = await this.until(jobId, 'cancel', (h) => (h.ended ? h : null))
    return statusOf(head.terminal, await this.opts.store.outcome(jobId))
  }

  async accept(jobId: string): Promise<AiAcceptResult> {
    const outcome = await this.settleRemote(jobId, 'accept')
    if (outcome.status === 'discarded') throw new JobStateError('the job was already discarded')
    return outcome
  }

  async discard(jobId: string): Promise<'discarded'> {
    const outcome = await this.settleRemote(jobId, 'discard')
    if (outcome.status === 'accepted') throw new JobStateError('the job was already accepted')
    return 'discarded'
  }

  /** A local job was accepted or discarded: tell the other instances. */
  async settled(jobId: string, outcome: JobOutcome): Promise<void> {
    try {
      await this.opts.store.settle(jobId, outcome)
    } catch (err) {
      withIds(this.opts.log, { jobId }).error(`AI job ${jobId}: storing its outcome failed`, err)
    }
  }

  close(): void {
    clearInterval(this.timer)
    clearInterval(this.aliveCheck)
    this.control.close()
  }

  private async settleRemote(jobId: string, command: 'accept' | 'discard'): Promise<JobOutcome> {
    const head = await this.head(jobId)
    if (!head) throw new JobStateError('the job has expired')
    if (!head.ended) throw new JobStateError('the job is still running; stop it first')
    const known = await this.opts.store.outcome(jobId)
    if (known) return known
    const gone = head.terminal?.type === 'error' && head.terminal.data.code === 'instance_lost'
    if (gone || this.dead.has(head.instance)) {
      // Its undo record died with its instance: the text can only stay.
      if (command === 'discard') throw new JobStateError('the instance that ran the job is gone, so its text can no longer be discarded; it stays in the document')
      const outcome: JobOutcome = { status: 'accepted', history: null }
      await this.opts.store.settle(jobId, outcome)
      return (await this.opts.store.outcome(jobId)) ?? outcome
    }
    let outcome: JobOutcome | null = null
    await this.until(jobId, command, async () => (outcome = await this.opts.store.outcome(jobId)))
    return outcome!
  }

  /**
   * Send `command` to the job's instance (again every COMMAND_REPEAT_MS) until
   * `done` says the store shows its effect.
   */
  private async until<T>(jobId: string, command: AiCommand, done: (head: JobHead) => T | null | Promise<T | null>): Promise<T> {
    const deadline = Date.now() + this.commandTimeoutMs
    let sentAt = 0
    for (;;) {
      const head = await this.head(jobId)
      if (!head) throw new JobStateError('the job has expired')
      const result = await done(head)
      if (result !== null) return result
      if (Date.now() > deadline) throw new JobUnreachableError('The instance running this AI job did not answer; try again in a few seconds.')
      if (Date.now() - sentAt >= COMMAND_REPEAT_MS) {
        sentAt = Date.now()
        this.opts.bus.publishControl({ type: 'ai-command', jobId, command })
      }
      await new Promise((r) => setTimeout(r, POLL_MS))
    }
  }

  private readonly onControl = (message: ControlMessage, from: InstanceId): void => {
    if (message.type === 'instance-heartbeat') this.seen(from)
    else if (message.type === 'instance-leaving') {
      this.peers.forget(from)
      this.instanceGone(from)
    } else if (message.type === 'ai-command') void this.runCommand(message.jobId, message.command)
  }

  private async runCommand(jobId: string, command: AiCommand): Promise<void> {
    const job = this.opts.localJob(jobId)
    if (!job) return
    try {
      if (command === 'cancel') job.cancel()
      else if (command === 'accept') await this.settled(jobId, job.accept())
      else await this.settled(jobId, { status: job.discard() as 'discarded' })
    } catch (err) {
      // A conflict (still running, already settled the other way): the
      // sender reads the state from the store and answers it itself.
      if (!(err instanceof JobStateError)) withIds(this.opts.log, { jobId }).error(`AI job ${jobId}: ${command} from another instance failed`, err)
    }
  }

  private seen(instance: InstanceId): void {
    this.known.add(instance)
    this.peers.seen(instance)
    this.dead.delete(instance)
  }

  private instanceGone(instance: InstanceId): void {
    if (instance === this.instanceId) return
    this.known.delete(instance)
    this.dead.add(instance)
    if (this.dead.size > MAX_DEAD) this.dead.delete(this.dead.values().next().value!)
    for (const [jobId, { instance: runner }] of this.followed) {
      if (runner !== instance) continue
      void this.opts.store.head(jobId).then(
        (head) => (head && !head.ended ? this.endLost(jobId, head) : undefined),
        (err: unknown) => withIds(this.opts.log, { jobId }).error(`AI job ${jobId}: reading it after its instance died failed`, err),
      )
    }
  }

  private lost(head: JobHead): boolean {
    return !head.ended && head.instance !== this.instanceId && (!head.alive || this.dead.has(head.instance))
  }

  /** Jobs that streams here follow: has one lost its instance? */
  private checkFollowed(): void {
    for (const jobId of this.followed.keys()) {
      void this.opts.store.head(jobId).then(
        (head) => (head && this.lost(head) ? this.endLost(jobId, head) : undefined),
        (err: unknown) => withIds(this.opts.log, { jobId }).debug(`AI job ${jobId}: keep-alive check failed`, (err as Error).message),
      )
    }
  }

  private async endLost(jobId: string, head: JobHead): Promise<void> {
    withIds(this.opts.log, { jobId }).warn(`AI job ${jobId}: its instance ${head.instance} is gone; ending the job with instance_lost`)
    const record: AiEventRecord = {
      id: head.lastId + 1,
      type: 'error',
      data: { code: 'instance_lost', message: 'The server running this AI job stopped before the job ended. The text written so far stays in the document.' },
    }
    try {
      await this.opts.store.append(jobId, record, this.instanceId)
    } catch (err) {
      // Another instance ended it first, or the job's own last event won: either way it has ended.
      if (!(err instanceof EventIdTaken)) withIds(this.opts.log, { jobId }).error(`AI job ${jobId}: storing instance_lost failed`, err)
    }
  }
}

function statusOf(terminal: AiEventRecord | null, outcome: JobOutcome | null): AiJobStatus {
  if (outcome) return outcome.status
  if (terminal?.type === 'done') return terminal.data.status
  return 'failed'
}

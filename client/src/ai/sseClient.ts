/**
 * Reads one AI job's event stream and survives dropped connections.
 *
 * The job runs on the server regardless of this connection, and the text it
 * writes arrives through Yjs; these events only drive the UI. So resuming is
 * simple: remember the last event id, and after a network error (or a stream
 * that ends before `done`/`error`) ask for
 * `GET /api/ai/jobs/:jobId/events?lastEventId=N` with backoff. Events with an
 * id we have already seen are dropped, so nothing is delivered twice.
 * While the device is offline it does not spend its attempts: it drops the
 * connection at once (a stalled socket could otherwise look alive for a
 * long time) and resumes when the network is back.
 *
 * Independent of React and of the global `fetch`/timers (both injectable)
 * so it can be unit tested.
 */
import { createParser } from 'eventsource-parser'
import { AI_HEARTBEAT_HEADER, isTerminalEvent, parseAiEvent, type AiEventRecord } from '../../../shared/index.ts'
import { aiJobEventsUrl } from './aiApi.ts'
import { browserNetwork, untilOnline, type NetworkStatus } from './network.ts'

export type AiStreamFailure =
  | { kind: 'http'; status: number; code: string; message: string; retryAfter: number | null }
  /** The connection could not be (re)established; the job may still be running. */
  | { kind: 'network'; message: string }
  /** The server no longer knows the job (finished long ago, or restarted). */
  | { kind: 'expired'; message: string }

export interface AiStreamCallbacks {
  onEvent: (event: AiEventRecord) => void
  onFailure: (failure: AiStreamFailure) => void
  /** The stream dropped before a terminal event; the next attempt starts after `delayMs`. */
  onReconnecting?: (attempt: number, delayMs: number) => void
  /** A resumed stream is delivering again. */
  onReconnected?: () => void
  /** The device went offline; the stream resumes when it is back (the job runs on meanwhile). */
  onOffline?: () => void
}

export interface RetryPolicy {
  initialDelayMs: number
  maxDelayMs: number
  /** Consecutive attempts without progress before giving up. */
  maxAttempts: number
}

export interface AiStreamOptions {
  fetch?: typeof fetch
  /** Sent with every request (e.g. Authorization). */
  headers?: Record<string, string>
  retry?: Partial<RetryPolicy>
  /**
   * Silence this long means a dead connection, when the server does not
   * announce its heartbeat (`X-Heartbeat-Ms`); when it does, that decides.
   */
  idleTimeoutMs?: number
  /** Delays for retries; resolves early when `signal` aborts. */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>
  network?: NetworkStatus
}

export const DEFAULT_RETRY: RetryPolicy = { initialDelayMs: 500, maxDelayMs: 8000, maxAttempts: 8 }

/** Without the server's heartbeat header (AI_HEARTBEAT_HEADER). */
const DEFAULT_IDLE_TIMEOUT_MS = 45_000
/** Room for a heartbeat delayed by a busy server or a slow network. */
const IDLE_MARGIN_MS = 2000
/** Above the server's own cap (300 s): anything larger is not a heartbeat. */
const MAX_HEARTBEAT_MS = 600_000

/**
 * How long a stream may stay silent before it counts as dead: three missed
 * heartbeats plus a margin, so one late heartbeat never forces a resume.
 * Without a usable announcement (an older server, a proxy that strips it),
 * `fallbackMs`.
 */
export function idleTimeoutFor(heartbeatHeader: string | null, fallbackMs: number): number {
  const heartbeat = Number(heartbeatHeader ?? NaN)
  if (!Number.isFinite(heartbeat) || heartbeat <= 0 || heartbeat > MAX_HEARTBEAT_MS) return fallbackMs
  return 3 * heartbeat + IDLE_MARGIN_MS
}

type Outcome = 'terminal' | 'dropped' | 'failed' | 'closed'

export class AiJobStream {
  private readonly callbacks: AiStreamCallbacks
  private readonly fetchImpl: typeof fetch
  private readonly headers: Record<string, string>
  private readonly retry: RetryPolicy
  private readonly idleTimeoutMs: number
  private readonly sleep: (ms: number, signal: AbortSignal) => Promise<void>
  private readonly network: NetworkStatus
  private readonly lifetime = new AbortController()
  private lastId = 0
  private job: string | null = null
  private terminal = false

  constructor(callbacks: AiStreamCallbacks, options: AiStreamOptions = {}) {
    this.callbacks = callbacks
    this.fetchImpl = options.fetch ?? ((input, init) => fetch(input, init))
    this.headers = options.headers ?? {}
    this.retry = { ...DEFAULT_RETRY, ...options.retry }
    this.idleTimeoutMs = options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS
    this.sleep = options.sleep ?? abortableSleep
    this.network = options.network ?? browserNetwork()
  }

  get lastEventId(): number {
    return this.lastId
  }

  get jobId(): string | null {
    return this.job
  }

  /** Starts a job (`POST`) and follows it to its terminal event. */
  async start(url: string, body: unknown): Promise<void> {
    const outcome = await this.connect(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    }, 'start')
    await this.followUp(outcome)
  }

  /** Follows an existing job, e.g. after a page reload. */
  async resume(jobId: string, lastEventId = 0): Promise<void> {
    this.job = jobId
    this.lastId = lastEventId
    await this.followUp(await this.connect(aiJobEventsUrl(jobId, lastEventId), { method: 'GET' }, 'resume'))
  }

  /** Stops listening for good. The job itself keeps running on the server. */
  close(): void {
    this.lifetime.abort()
  }

  private get closed(): boolean {
    return this.lifetime.signal.aborted
  }

  private async followUp(first: Outcome): Promise<void> {
    let outcome = first
    let attempt = 0
    let progressMark = this.lastId
    while (outcome === 'dropped' && !this.closed) {
      if (this.job === null) {
        // Without a job id there is nothing to resume.
        this.callbacks.onFailure({ kind: 'network', message: 'Lost the connection before the AI job started.' })
        return
      }
      if (!this.network.online()) {
        this.callbacks.onOffline?.()
        await untilOnline(this.network, this.lifetime.signal)
        if (this.closed) return
        // Time offline is no failed attempt: start over, and at once.
        attempt = 0
        progressMark = this.lastId
        this.callbacks.onReconnecting?.(0, 0)
        outcome = await this.connect(aiJobEventsUrl(this.job, this.lastId), { method: 'GET' }, 'resume')
        continue
      }
      // A connection that delivered new events resets the backoff.
      if (this.lastId > progressMark) attempt = 0
      progressMark = this.lastId
      attempt++
      if (attempt > this.retry.maxAttempts) {
        this.callbacks.onFailure({ kind: 'network', message: 'Lost the connection to the AI job.' })
        return
      }
      const delay = Math.min(this.retry.initialDelayMs * 2 ** (attempt - 1), this.retry.maxDelayMs)
      this.callbacks.onReconnecting?.(attempt, delay)
      await this.sleep(delay, this.lifetime.signal)
      if (this.closed) return
      outcome = await this.connect(aiJobEventsUrl(this.job, this.lastId), { method: 'GET' }, 'resume')
    }
  }

  /** One HTTP request, read until a terminal event, an error or the end. */
  private async connect(url: string, init: RequestInit, mode: 'start' | 'resume'): Promise<Outcome> {
    if (this.closed) return 'closed'
    const connection = new AbortController()
    const onClose = () => connection.abort()
    this.lifetime.signal.addEventListener('abort', onClose)
    const unwatch = this.network.subscribe(() => {
      if (!this.network.online()) connection.abort()
    })
    let idleTimer: ReturnType<typeof setTimeout> | null = null
    // Until the response says otherwise (waiting for its headers, say).
    let idleMs = this.idleTimeoutMs
    const resetIdle = () => {
      if (idleTimer !== null) clearTimeout(idleTimer)
      idleTimer = setTimeout(() => connection.abort(), idleMs)
    }
    try {
      resetIdle()
      const response = await this.fetchImpl(url, {
        ...init,
        headers: { Accept: 'text/event-stream', ...this.headers, ...(init.headers as Record<string, string>) },
        signal: connection.signal,
        cache: 'no-store',
      })
      if (!response.ok) return await this.handleHttpError(response, mode)
      if (!response.body) return 'dropped'
      idleMs = idleTimeoutFor(response.headers.get(AI_HEARTBEAT_HEADER), this.idleTimeoutMs)
      resetIdle()
      if (mode === 'resume') this.callbacks.onReconnected?.()
      return await this.read(response.body, resetIdle)
    } catch {
      return this.closed ? 'closed' : 'dropped'
    } finally {
      if (idleTimer !== null) clearTimeout(idleTimer)
      this.lifetime.signal.removeEventListener('abort', onClose)
      unwatch()
      connection.abort()
    }
  }

  private async read(body: ReadableStream<Uint8Array>, onActivity: () => void): Promise<Outcome> {
    const reader = body.getReader()
    const decoder = new TextDecoder()
    const parser = createParser({
      onEvent: (message) => {
        if (this.terminal) return
        const id = Number(message.id)
        // Ids only increase; anything at or below the last one is a replay we already have.
        if (!Number.isInteger(id) || id <= this.lastId) return
        const event = parseAiEvent(message.event, message.data)
        this.lastId = id
        if (!event) return
        if (event.type === 'start') this.job = event.data.jobId
        if (isTerminalEvent(event)) this.terminal = true
        this.callbacks.onEvent({ ...event, id })
      },
    })
    try {
      while (!this.terminal) {
        const { done, value } = await reader.read()
        if (done) break
        onActivity()
        parser.feed(decoder.decode(value, { stream: true }))
      }
    } finally {
      void reader.cancel().catch(() => undefined)
    }
    if (this.terminal) return 'terminal'
    return this.closed ? 'closed' : 'dropped'
  }

  private async handleHttpError(response: Response, mode: 'start' | 'resume'): Promise<Outcome> {
    const { code, message, retryAfter } = await readErrorBody(response)
    if (mode === 'resume') {
      if (response.status === 404) {
        this.callbacks.onFailure({ kind: 'expired', message: 'This AI job is no longer available.' })
        return 'failed'
      }
      // A restarting server or a proxy hiccup: worth another try.
      if (response.status >= 500 || response.status === 429) return 'dropped'
    }
    this.callbacks.onFailure({ kind: 'http', status: response.status, code, message, retryAfter })
    return 'failed'
  }
}

async function readErrorBody(response: Response): Promise<{ code: string; message: string; retryAfter: number | null }> {
  const header = Number(response.headers.get('Retry-After'))
  let retryAfter = Number.isFinite(header) && header > 0 ? Math.ceil(header) : null
  let code = `http_${response.status}`
  let message = `The AI request failed (${response.status}).`
  try {
    const body = (await response.json()) as { error?: { code?: string; message?: string; retryAfter?: number } }
    if (body.error?.code) code = body.error.code
    if (body.error?.message) message = body.error.message
    if (typeof body.error?.retryAfter === 'number') retryAfter = Math.ceil(body.error.retryAfter)
  } catch {
    // Not JSON: keep the generic message.
  }
  return { code, message, retryAfter }
}

function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve()
    const timer = setTimeout(done, ms)
    function done() {
      clearTimeout(timer)
      signal.removeEventListener('abort', done)
      resolve()
    }
    signal.addEventListener('abort', done)
  })
}

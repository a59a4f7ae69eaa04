/**
 * The metrics of one server, in its own prom-client registry (never the
 * global default one: tests run several servers in one process, and each
 * must count only its own traffic).
 *
 * Hot paths (an update received or broadcast, a token streamed) only
 * increment a counter that was created, and whose label child was bound,
 * here: no label lookup, no string building, no allocation per event.
 * Gauges that mirror state the server already keeps (rooms, sockets, the
 * bus's counters) are read when Prometheus scrapes, so keeping them costs
 * nothing in between.
 *
 * Labels are bounded: close codes, HTTP statuses, job statuses and error
 * codes come from closed sets. No document id, job id or name is ever a
 * label.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client'
import type { CloseCodeValue } from '../../shared/closeCodes.ts'
import type { AiErrorCode } from '../../shared/aiProtocol.ts'

/** State the server already keeps, read at scrape time. */
export interface MetricSources {
  /** Rooms in memory, loading, and with failing storage. */
  rooms(): { loaded: number; loading: number; storageFailing: number }
  /** Sockets joined to a room, and those still being authorized or waiting for their room to load. */
  connections(): { joined: number; pending: number }
  /** The bus's own counters (several instances only). */
  bus?: () => { up: boolean; published: number; delivered: number; dropped: number; malformed: number }
}

export type AiJobStatus = 'completed' | 'cancelled' | 'failed'

/** Counts kept as plain numbers on hot paths (see `Metrics.hot`). */
export interface HotCounts {
  updatesReceived: number
  updatesReceivedBytes: number
  updatesBroadcast: number
  updatesBroadcastBytes: number
  aiTokens: number
}

const PREFIX = 'quill_'

/** Seconds; storage commits are sub-millisecond to seconds (a PostgreSQL outage). */
const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5]
const FIRST_TOKEN_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2, 4, 8, 15, 30]
const BATCH_BUCKETS = [1, 2, 4, 8, 16, 32, 64, 128, 256]
const EVENT_LOOP_RESOLUTION_MS = 100

export class Metrics {
  readonly registry = new Registry()
  private sources: MetricSources | null = null

  /**
   * The hot counts: plain numbers the rooms and AI jobs add to (one add per
   * update or token, no allocation), mirrored into their counters when
   * Prometheus scrapes.
   */
  readonly hot: HotCounts = { updatesReceived: 0, updatesReceivedBytes: 0, updatesBroadcast: 0, updatesBroadcastBytes: 0, aiTokens: 0 }

  // Storage.
  readonly storageWriteSeconds = new Histogram({
    name: `${PREFIX}storage_write_seconds`,
    help: "Time from a room's write to its updates being stored (group-commit wait included)",
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  })
  readonly commitBatchRequests = new Histogram({
    name: `${PREFIX}storage_commit_batch_requests`,
    help: 'Append requests (one per room) committed together in one group-commit transaction',
    buckets: BATCH_BUCKETS,
    registers: [this.registry],
  })
  private readonly storageErrors = new Counter({ name: `${PREFIX}storage_errors_total`, help: 'Failed storage operations', labelNames: ['op'] as const, registers: [this.registry] })
  readonly storageAppendErrors = this.storageErrors.labels('append')
  readonly storageCompactErrors = this.storageErrors.labels('compact')
  readonly storageLoadErrors = this.storageErrors.labels('load')

  // Refusals.
  private readonly wsCloses = new Counter({
    name: `${PREFIX}ws_closes_total`,
    help: 'WebSocket connections the server closed, by close code (refusals, slow consumers, shutdown)',
    labelNames: ['code'] as const,
    registers: [this.registry],
  })
  private readonly httpRefusals = new Counter({ name: `${PREFIX}http_refusals_total`, help: 'HTTP responses with an error status, by status', labelNames: ['status'] as const, registers: [this.registry] })

  // The bus between instances.
  private readonly gapRepairs = new Counter({ name: `${PREFIX}bus_gap_repairs_total`, help: 'Reads from the store to fill updates the bus lost, by result', labelNames: ['result'] as const, registers: [this.registry] })
  readonly gapRepairsOk = this.gapRepairs.labels('ok')
  readonly gapRepairsFailed = this.gapRepairs.labels('failed')
  readonly gapRepairSeconds = new Histogram({ name: `${PREFIX}bus_gap_repair_seconds`, help: 'Time to read and apply what the bus lost', buckets: LATENCY_BUCKETS, registers: [this.registry] })
  readonly busRelaySeconds = new Histogram({
    name: `${PREFIX}bus_relay_seconds`,
    help: 'Time an instance heartbeat takes through the bus and back to its own subscription (Redis), on one clock',
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  })
  readonly busApplySeconds = new Histogram({
    name: `${PREFIX}bus_relay_apply_seconds`,
    help: 'Time to apply an update message from another instance and relay it to this instance\'s clients',
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  })

  // AI jobs.
  private readonly aiJobs = new Counter({ name: `${PREFIX}ai_jobs_total`, help: 'AI jobs that ended, by final status', labelNames: ['status'] as const, registers: [this.registry] })
  readonly aiJobsEnded: Record<AiJobStatus, Counter.Internal> = {
    completed: this.aiJobs.labels('completed'),
    cancelled: this.aiJobs.labels('cancelled'),
    failed: this.aiJobs.labels('failed'),
  }
  readonly aiFirstTokenSeconds = new Histogram({ name: `${PREFIX}ai_time_to_first_token_seconds`, help: 'Time from a job starting to its first token', buckets: FIRST_TOKEN_BUCKETS, registers: [this.registry] })
  private readonly aiErrors = new Counter({ name: `${PREFIX}ai_errors_total`, help: 'AI jobs that failed, by error code (upstream_auth, rate_limited, timeout, ...)', labelNames: ['code'] as const, registers: [this.registry] })
  readonly sseOpen = new Gauge({ name: `${PREFIX}sse_streams_open`, help: 'AI event streams open now', registers: [this.registry] })
  readonly sseResumes = this.counter('sse_resumes_total', 'AI event streams opened to follow or resume a job (GET .../events)')

  constructor() {
    // The event-loop lag monitor is a timer that wakes the process; at
    // prom-client's default 10 ms that is ~3.6 ms of CPU a second on our
    // test VM even when idle, at 100 ms ~0.35 ms (10 samples a second,
    // plenty for a p99 over a scrape interval).
    collectDefaultMetrics({ register: this.registry, prefix: PREFIX, eventLoopMonitoringPrecision: EVENT_LOOP_RESOLUTION_MS })
    const self = this
    this.mirror('updates_received_total', 'Document updates accepted from clients (update and SyncStep2 messages)', () => this.hot.updatesReceived)
    this.mirror('updates_received_bytes_total', 'Bytes of document updates accepted from clients', () => this.hot.updatesReceivedBytes)
    this.mirror('updates_broadcast_total', 'Document updates sent to clients, one per recipient', () => this.hot.updatesBroadcast)
    this.mirror('updates_broadcast_bytes_total', 'Bytes of document updates sent to clients, counted per recipient', () => this.hot.updatesBroadcastBytes)
    this.mirror('ai_tokens_streamed_total', 'Text chunks (tokens) streamed from the model', () => this.hot.aiTokens)
    new Gauge({
      name: `${PREFIX}rooms`,
      help: 'Documents in memory, by state',
      labelNames: ['state'] as const,
      registers: [this.registry],
      collect() {
        const r = self.sources?.rooms()
        if (!r) return
        this.set({ state: 'loaded' }, r.loaded)
        this.set({ state: 'loading' }, r.loading)
        this.set({ state: 'storage_failing' }, r.storageFailing)
      },
    })
    new Gauge({
      name: `${PREFIX}ws_connections`,
      help: 'Open WebSocket connections, by state (joined to a room, or pending: authorizing or waiting for the room to load)',
      labelNames: ['state'] as const,
      registers: [this.registry],
      collect() {
        const c = self.sources?.connections()
        if (!c) return
        this.set({ state: 'joined' }, c.joined)
        this.set({ state: 'pending' }, c.pending)
      },
    })
    new Gauge({
      name: `${PREFIX}bus_up`,
      help: 'The bus between instances is up (1) or down (0); absent with one instance',
      registers: [this.registry],
      collect() {
        const b = self.sources?.bus?.()
        if (b) this.set(b.up ? 1 : 0)
      },
    })
    new Counter({
      name: `${PREFIX}bus_messages_total`,
      help: 'Bus messages since start, by outcome: published, delivered, and its errors (dropped while down, malformed)',
      labelNames: ['outcome'] as const,
      registers: [this.registry],
      collect() {
        const b = self.sources?.bus?.()
        if (!b) return
        // The bus keeps the counts; mirror them at scrape time.
        this.reset()
        this.labels('published').inc(b.published)
        this.labels('delivered').inc(b.delivered)
        this.labels('dropped').inc(b.dropped)
        this.labels('malformed').inc(b.malformed)
      },
    })
  }

  /** For a store's group commit: the size of each batch. */
  readonly onCommit = (requests: number): void => this.commitBatchRequests.observe(requests)

  /** Tell the metrics where the server's state lives (once it is all built). */
  observe(sources: MetricSources): void {
    this.sources = sources
  }

  /** A WebSocket closed by the server. Not hot: each socket closes once. */
  wsClosed(code: CloseCodeValue | number): void {
    this.wsCloses.labels(String(code)).inc()
  }

  httpRefused(status: number): void {
    this.httpRefusals.labels(String(status)).inc()
  }

  aiFailed(code: AiErrorCode): void {
    this.aiErrors.labels(code).inc()
  }

  /** The text exposition, and its content type. */
  async scrape(): Promise<{ body: string; contentType: string }> {
    return { body: await this.registry.metrics(), contentType: this.registry.contentType }
  }

  /** A counter whose value lives in `hot`, copied in at scrape time. */
  private mirror(name: string, help: string, value: () => number): void {
    new Counter({
      name: PREFIX + name,
      help,
      registers: [this.registry],
      collect() {
        this.reset()
        this.inc(value())
      },
    })
  }

  private counter(name: string, help: string): Counter {
    return new Counter({ name: PREFIX + name, help, registers: [this.registry] })
  }
}

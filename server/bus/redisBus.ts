/**
 * The bus over Redis pub/sub (ioredis). One channel per document
 * (`<prefix>doc:<id>`) and one control channel (`<prefix>control`); frames
 * are the codec's bytes, sent and received as Buffers.
 *
 * Two connections: a publisher and a subscriber. Under RESP2 a subscribed
 * connection cannot publish at all; and apart from that, a burst of large
 * publishes must not delay the messages we are reading.
 *
 * Failure rules:
 *   - Publishing never queues while Redis is away (`enableOfflineQueue:
 *     false`), and a publish in flight when the connection breaks is dropped,
 *     not resent late (`maxRetriesPerRequest: 0`). Publishes waiting on a
 *     slow but connected Redis are capped by `maxPendingBytes`. Every drop is
 *     counted; the store has the update, and receivers repair gaps from it.
 *   - Both connections reconnect forever, with capped exponential backoff.
 *   - We resubscribe ourselves instead of using ioredis's autoResubscribe:
 *     ioredis emits 'ready' before it even sends those SUBSCRIBEs, so it
 *     cannot tell us when they are live. We send them on 'ready', wait for
 *     Redis to confirm, and only then go up and fire `reconnected`; a room
 *     that re-reads the store at that moment cannot miss a message published
 *     between its read and its subscription.
 *   - A subscriber that falls too far behind is disconnected by Redis itself
 *     (client-output-buffer-limit pubsub); that is an outage like any other.
 *
 * A network partition that leaves the sockets open is not noticed until TCP
 * gives up (keepalive); the instance heartbeats on the control channel are
 * what would notice it first.
 */
import { randomUUID } from 'node:crypto'
import { Redis } from 'ioredis'
import { createLogger, type Logger } from '../log.ts'
import { encodeControlMessage, encodeDocMessage } from './codec.ts'
import { Delivery, type ControlHandler, type DocHandler } from './delivery.ts'
import { StatusSignal } from './statusSignal.ts'
import type { Bus, BusStats, BusStatus, BusStatusChange, ControlMessage, DocMessage, Subscription } from './types.ts'

export interface RedisBusOptions {
  /** `redis://[user:password@]host:port[/db]` (or `rediss://` for TLS). */
  url: string
  /** Starts every channel name, so several deployments (or test files) can share one Redis. */
  channelPrefix?: string
  /** Bytes of publishes awaiting Redis beyond which new ones are dropped. */
  maxPendingBytes?: number
  /** How long the first connection may take before start-up fails. */
  connectTimeoutMs?: number
  /** Reconnect backoff: 50 ms doubling up to this, plus up to 100 ms of jitter so instances spread out. */
  maxRetryDelayMs?: number
  logger?: Logger
}

export const REDIS_BUS_DEFAULTS = {
  channelPrefix: 'quill:',
  maxPendingBytes: 64 * 1024 * 1024,
  connectTimeoutMs: 5000,
  maxRetryDelayMs: 2000,
} as const

const LIVE: Promise<void> = Promise.resolve()

/** Connects both connections and subscribes the control channel; throws if Redis is unreachable. */
export async function connectRedisBus(options: RedisBusOptions): Promise<Bus> {
  const opts = { ...REDIS_BUS_DEFAULTS, logger: createLogger('error'), ...options }
  const bus = new RedisBus(opts)
  try {
    await bus.start()
  } catch (err) {
    await bus.close()
    throw new Error(`Redis at ${redactUrl(opts.url)} is unreachable: ${(err as Error).message}`)
  }
  return bus
}

type Resolved = Required<Omit<RedisBusOptions, 'logger'>> & { logger: Logger }

class RedisBus implements Bus {
  readonly instanceId = randomUUID()
  private readonly pub: Redis
  private readonly sub: Redis
  private readonly delivery: Delivery
  private readonly signal: StatusSignal
  private readonly controlChannel: string
  private readonly docPrefix: string
  /** SUBSCRIBEs sent for single documents and not yet confirmed. */
  private readonly pending = new Map<string, Promise<void>>()
  private pendingBytes = 0
  /** The subscriber connection is ready and every channel we want is confirmed. */
  private subLive = false
  /** Bumped on every subscriber (re)connection, so a stale resubscribe cannot mark a newer one live. */
  private subEpoch = 0
  private closed = false
  private started = false

  constructor(private readonly opts: Resolved) {
    this.delivery = new Delivery(this.instanceId, opts.logger)
    this.signal = new StatusSignal('down', opts.logger)
    this.controlChannel = `${opts.channelPrefix}control`
    this.docPrefix = `${opts.channelPrefix}doc:`
    const common = {
      lazyConnect: true,
      enableOfflineQueue: false,
      connectTimeout: opts.connectTimeoutMs,
      retryStrategy: (attempt: number) => Math.min(opts.maxRetryDelayMs, 50 * 2 ** Math.min(attempt, 16)) + Math.floor(Math.random() * 100),
    }
    this.pub = new Redis(opts.url, { ...common, maxRetriesPerRequest: 0, connectionName: `quill-pub-${this.instanceId}` })
    this.sub = new Redis(opts.url, { ...common, autoResubscribe: false, connectionName: `quill-sub-${this.instanceId}` })
    this.watch(this.pub, 'publisher', () => this.update())
    this.watch(this.sub, 'subscriber', () => this.onSubscriberReady())
    this.sub.on('messageBuffer', (channel: Buffer, message: Buffer) => this.receive(channel, message))
  }

  async start(): Promise<void> {
    await Promise.all([this.pub.connect(), this.sub.connect()])
    // The subscriber's 'ready' handler has sent the control SUBSCRIBE; the
    // bus is up once Redis confirms it.
    await new Promise<void>((resolve, reject) => {
      if (this.signal.get() === 'up') return resolve()
      const timer = setTimeout(() => (off(), reject(new Error('subscribing timed out'))), this.opts.connectTimeoutMs)
      const off = this.signal.listen(() => (clearTimeout(timer), off(), resolve()))
    })
    this.started = true
  }

  publish(docId: string, message: DocMessage): void {
    this.send(this.docPrefix + docId, () => encodeDocMessage(this.instanceId, message))
  }

  subscribe(docId: string, onMessage: DocHandler): Subscription {
    const first = this.delivery.addDoc(docId, onMessage)
    const channel = this.docPrefix + docId
    let ready = this.pending.get(channel) ?? LIVE
    // Subscribing while the subscriber is down is left to the resubscribe on 'ready'.
    if (first && !this.closed && this.sub.status === 'ready') ready = this.subscribeChannel(channel)
    let open = true
    return {
      ready,
      close: () => {
        if (!open) return
        open = false
        if (this.delivery.removeDoc(docId, onMessage) && this.sub.status === 'ready') {
          this.sub.unsubscribe(channel).catch(() => {})
        }
      },
    }
  }

  publishControl(message: ControlMessage): void {
    this.delivery.sending(message)
    this.send(this.controlChannel, () => encodeControlMessage(this.instanceId, message))
  }

  onRelayTime(listener: (seconds: number) => void): () => void {
    return this.delivery.onRelayTime(listener)
  }

  subscribeControl(onMessage: ControlHandler): Subscription {
    // The control channel is subscribed for the bus's whole life (see start).
    this.delivery.addControl(onMessage)
    return { ready: LIVE, close: () => this.delivery.removeControl(onMessage) }
  }

  status(): BusStatus {
    return this.signal.get()
  }

  onStatus(listener: (change: BusStatusChange) => void): () => void {
    return this.signal.listen(listener)
  }

  stats(): Readonly<BusStats> {
    return { ...this.delivery.stats }
  }

  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    this.delivery.clear()
    this.signal.clear()
    this.signal.set('down')
    // QUIT lets Redis see a clean goodbye when it is there; disconnect stops reconnecting when it is not.
    await Promise.allSettled([this.pub.quit(), this.sub.quit()])
    this.pub.disconnect()
    this.sub.disconnect()
  }

  private send(channel: string, encode: () => Uint8Array): void {
    const stats = this.delivery.stats
    if (this.closed || this.pub.status !== 'ready') return void stats.dropped++
    const frame = encode()
    if (this.pendingBytes + frame.byteLength > this.opts.maxPendingBytes) return void stats.dropped++
    stats.published++
    this.pendingBytes += frame.byteLength
    this.pub
      .publish(channel, Buffer.from(frame.buffer, frame.byteOffset, frame.byteLength))
      .catch(() => void stats.dropped++)
      .finally(() => (this.pendingBytes -= frame.byteLength))
  }

  private receive(channel: Buffer, message: Buffer): void {
    // ioredis may hand us a view into a buffer it reuses; subscribers keep
    // what we give them (awareness states, queued updates), so copy once.
    const frame = new Uint8Array(message)
    const name = channel.toString()
    if (name === this.controlChannel) this.delivery.deliverControl(frame)
    else if (name.startsWith(this.docPrefix)) this.delivery.deliverDoc(name.slice(this.docPrefix.length), frame)
  }

  /** Never rejects: a SUBSCRIBE lost with the connection is redone on the next 'ready'. */
  private subscribeChannel(channel: string): Promise<void> {
    const done = this.sub
      .subscribe(channel)
      .then(() => {}, () => {})
      .finally(() => {
        if (this.pending.get(channel) === done) this.pending.delete(channel)
      })
    this.pending.set(channel, done)
    return done
  }

  private onSubscriberReady(): void {
    const epoch = ++this.subEpoch
    const channels = [this.controlChannel, ...this.delivery.docIds().map((id) => this.docPrefix + id)]
    this.sub
      .subscribe(...channels)
      // Documents subscribed while that was in flight sent their own SUBSCRIBE after it.
      .then(() => Promise.all(this.pending.values()))
      .then(
        () => {
          if (epoch !== this.subEpoch || this.sub.status !== 'ready') return
          this.subLive = true
          this.update()
        },
        () => {}, // The connection broke again; the next 'ready' starts over.
      )
  }

  private watch(conn: Redis, role: string, onReady: () => void): void {
    conn.on('ready', onReady)
    conn.on('close', () => {
      if (conn === this.sub) this.subLive = false
      this.update()
    })
    // ioredis reports every failed reconnect attempt; the status change is what we log.
    conn.on('error', (err: Error) => this.opts.logger.debug(`bus: redis ${role}: ${err.message}`))
  }

  private update(): void {
    const next: BusStatus = !this.closed && this.subLive && this.pub.status === 'ready' ? 'up' : 'down'
    if (next === this.signal.get()) return
    if (next === 'down') this.opts.logger.warn(`bus: lost Redis at ${redactUrl(this.opts.url)}; dropping bus messages until it returns`)
    else if (this.started) this.opts.logger.info('bus: Redis is back; subscriptions are live again')
    this.signal.set(next)
  }
}

/** The URL without its password, for messages. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url)
    if (u.password) u.password = '***'
    return u.toString()
  } catch {
    return '(unparseable URL)'
  }
}

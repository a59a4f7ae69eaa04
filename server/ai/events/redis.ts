/**
 * The AI event store on Redis Streams: one stream per job
 * (`<prefix>ai:<jobId>`), entry id `<event id>-0`, the event as JSON in field
 * `e`, and the job's instance in field `i` of the start event. Why Redis and
 * not PostgreSQL: the events are short-lived (AI_EVENT_RETENTION_MS) and
 * written at up to 20 per second per job, and a follower must hear each one
 * at once; a stream gives order, replay from an id (XREAD after `<id>-0`)
 * and a blocking read for live events in one structure, with no table to
 * vacuum and no LISTEN/NOTIFY channel to pair with it. Losing them costs
 * little: the text is in the document (stored in PostgreSQL), only the
 * replay of a job's events is gone.
 *
 * Bounded memory: every append renews the stream's TTL (`retentionMs`), so a
 * job's events go `retentionMs` after its last event, and MAXLEN caps one
 * stream (see EVENT_STORE_DEFAULTS.maxEvents). The outcome key has the same
 * TTL; the keep-alive key (`...:alive`) lives only as long as it is renewed.
 *
 * Appends run as one Lua script, so "only id lastId + 1, first writer wins"
 * is atomic even when several instances try at once. Each follower uses its
 * own connection for its blocking XREAD (a blocked connection can do
 * nothing else); there is one per SSE stream of a job running elsewhere.
 */
import { Redis } from 'ioredis'
import { isTerminalEvent, type AiEvent, type AiEventRecord } from '../../../shared/aiProtocol.ts'
import { EVENT_STORE_DEFAULTS, EventIdTaken, type AiEventStore, type Following, type JobHead, type JobOutcome } from './types.ts'

export interface RedisEventStoreOptions {
  url: string
  /** Starts every key, so several deployments (or test files) can share one Redis. */
  keyPrefix?: string
  retentionMs?: number
  maxEvents?: number
  connectTimeoutMs?: number
}

export const REDIS_EVENT_STORE_DEFAULTS = { keyPrefix: 'quill:', connectTimeoutMs: 5000, ...EVENT_STORE_DEFAULTS } as const

// Returns 1 when stored, 0 when the id is taken, -1 when it would leave a gap.
const APPEND = `
local last = redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', 1)
local lastId = 0
if #last > 0 then lastId = tonumber(string.match(last[1][1], '^(%d+)')) end
local id = tonumber(ARGV[1])
if id <= lastId then return 0 end
if id ~= lastId + 1 then return -1 end
if ARGV[4] == '' then
  redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[2], ARGV[1] .. '-0', 'e', ARGV[3])
else
  redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[2], ARGV[1] .. '-0', 'e', ARGV[3], 'i', ARGV[4])
end
redis.call('PEXPIRE', KEYS[1], ARGV[5])
return 1
`

type Entry = [id: string, fields: string[]]

export async function connectRedisEventStore(options: RedisEventStoreOptions): Promise<AiEventStore> {
  const opts = { ...REDIS_EVENT_STORE_DEFAULTS, ...options }
  const redis = new Redis(opts.url, { lazyConnect: true, connectTimeout: opts.connectTimeoutMs, maxRetriesPerRequest: 3, connectionName: 'quill-ai-events' })
  redis.on('error', () => {}) // reconnects by itself; failed commands reject
  await redis.connect()
  return new RedisEventStore(redis, opts)
}

class RedisEventStore implements AiEventStore {
  private readonly followers = new Set<Redis>()

  constructor(
    private readonly redis: Redis,
    private readonly opts: Required<RedisEventStoreOptions>,
  ) {}

  private key(jobId: string): string {
    return `${this.opts.keyPrefix}ai:${jobId}`
  }

  async append(jobId: string, record: AiEventRecord, instance: string): Promise<void> {
    const event = JSON.stringify({ type: record.type, data: record.data })
    const args = [String(record.id), String(this.opts.maxEvents), event, record.id === 1 ? instance : '', String(this.opts.retentionMs)]
    const result = await this.redis.eval(APPEND, 1, this.key(jobId), ...args)
    if (result === 0) throw new EventIdTaken(jobId, record.id)
    if (result !== 1) throw new Error(`AI job ${jobId}: event ${record.id} would leave a gap (or the job expired)`)
  }

  async head(jobId: string): Promise<JobHead | null> {
    const key = this.key(jobId)
    const [first, last, alive] = await Promise.all([
      this.redis.xrange(key, '-', '+', 'COUNT', 1) as Promise<Entry[]>,
      this.redis.xrevrange(key, '+', '-', 'COUNT', 1) as Promise<Entry[]>,
      this.redis.exists(`${key}:alive`),
    ])
    const start = first[0] && parseEntry(first[0])
    const end = last[0] && parseEntry(last[0])
    if (!start || start.type !== 'start' || !end) return null
    const instance = field(first[0]![1], 'i') ?? ''
    const ended = isTerminalEvent(end)
    return { docId: start.data.docId, instance, lastId: end.id, ended, alive: alive === 1, terminal: ended ? end : null }
  }

  follow(jobId: string, afterId: number, onEvent: (record: AiEventRecord) => void, onEnd: (err?: Error) => void): Following {
    const conn = this.redis.duplicate({ connectionName: 'quill-ai-follow', maxRetriesPerRequest: 0, retryStrategy: () => null })
    conn.on('error', () => {})
    this.followers.add(conn)
    let open = true
    let markReady = () => {}
    const ready = new Promise<void>((resolve) => (markReady = resolve))
    const close = () => {
      if (!open) return
      open = false
      markReady()
      this.followers.delete(conn)
      conn.disconnect()
    }
    const key = this.key(jobId)
    void (async () => {
      let first = true
      try {
        while (open) {
          // The first read returns what is stored at once; later ones wait for more.
          const reply = first
            ? ((await conn.xread('COUNT', 1000, 'STREAMS', key, `${afterId}-0`)) as [string, Entry[]][] | null)
            : ((await conn.xread('COUNT', 1000, 'BLOCK', 5000, 'STREAMS', key, `${afterId}-0`)) as [string, Entry[]][] | null)
          for (const entry of reply?.[0]?.[1] ?? []) {
            const record = parseEntry(entry)
            if (!open || !record || record.id <= afterId) continue
            afterId = record.id
            onEvent(record)
            if (isTerminalEvent(record)) {
              close()
              onEnd()
              return
            }
          }
          if (first) markReady()
          first = false
        }
      } catch (err) {
        if (!open) return
        close()
        onEnd(err as Error)
      }
    })()
    return { ready, close }
  }

  async keepAlive(jobId: string, ttlMs: number): Promise<void> {
    await this.redis.set(`${this.key(jobId)}:alive`, '1', 'PX', ttlMs)
  }

  async settle(jobId: string, outcome: JobOutcome): Promise<void> {
    await this.redis.set(`${this.key(jobId)}:outcome`, JSON.stringify(outcome), 'PX', this.opts.retentionMs, 'NX')
  }

  async outcome(jobId: string): Promise<JobOutcome | null> {
    const raw = await this.redis.get(`${this.key(jobId)}:outcome`)
    return raw === null ? null : (JSON.parse(raw) as JobOutcome)
  }

  async close(): Promise<void> {
    for (const c of this.followers) c.disconnect()
    this.followers.clear()
    await this.redis.quit().catch(() => this.redis.disconnect())
  }
}

function field(fields: string[], name: string): string | undefined {
  for (let i = 0; i + 1 < fields.length; i += 2) if (fields[i] === name) return fields[i + 1]
  return undefined
}

function parseEntry([id, fields]: Entry): AiEventRecord | null {
  const raw = field(fields, 'e')
  if (raw === undefined) return null
  try {
    const event = JSON.parse(raw) as AiEvent
    return { ...event, id: Number.parseInt(id, 10) } as AiEventRecord
  } catch {
    return null
  }
}

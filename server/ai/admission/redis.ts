/**
 * Admission on Redis: the limits count across every instance sharing it.
 *
 * Keys (all under `keyPrefix`):
 *   - `admit:rate:p:<person>` and `admit:rate:server`: token buckets as small
 *     hashes {t: tokens, at: ms}, with a PEXPIRE of the time they take to
 *     refill, so a key never outlives the moment it would be full again
 *     (a missing bucket is a full one).
 *   - `admit:running`: a sorted set of running job ids scored by the time
 *     they stop counting; `admit:job:<person>:<doc>` holds the person's
 *     running job in that document, with the same TTL. The instance renews
 *     both for its jobs every `aliveTtlMs / 3` (the job's keep-alive), so the
 *     jobs of a killed instance stop counting within `aliveTtlMs`. Expired
 *     members are removed on every admit, so the set holds at most
 *     AI_MAX_CONCURRENT_JOBS live ids.
 * One Lua script checks and takes atomically, with Redis's clock (TIME), so
 * instances with skewed clocks still agree.
 *
 * Redis down: rather than refuse every job, this instance falls back to its
 * own limits (a MemoryAdmission that also counts the jobs Redis admitted
 * here), so while Redis is unreachable the limits count per instance again.
 * Commands fail fast (no offline queue) so a POST never waits for Redis.
 */
import { Redis } from 'ioredis'
import type { Logger } from '../../log.ts'
import { MemoryAdmission } from './memory.ts'
import { RUNNING_RETRY_AFTER, type Admission, type AdmissionRefusal, type AdmissionRequest, type AiAdmission } from './types.ts'

export interface RedisAdmissionOptions {
  url: string
  keyPrefix?: string
  /** How long a job counts after its instance last renewed it. */
  aliveTtlMs?: number
  commandTimeoutMs?: number
  connectTimeoutMs?: number
  log?: Pick<Logger, 'warn'>
}

export const REDIS_ADMISSION_DEFAULTS = { keyPrefix: 'quill:', aliveTtlMs: 6000, commandTimeoutMs: 1000, connectTimeoutMs: 5000 } as const

const LIB = `
local function now()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local function bucket(key, perMin, burst, at)
  local h = redis.call('HMGET', key, 't', 'at')
  local rate = perMin / 60000
  if not h[1] then return burst, rate end
  return math.min(burst, tonumber(h[1]) + (at - tonumber(h[2])) * rate), rate
end
local function wait(tokens, rate)
  if tokens >= 1 then return 0 end
  return math.max(1, math.ceil((1 - tokens) / rate / 1000))
end
local function take(key, tokens, rate, burst, at)
  local left = tokens - 1
  redis.call('HSET', key, 't', tostring(left), 'at', tostring(at))
  redis.call('PEXPIRE', key, math.max(1, math.ceil((burst - left) / rate)))
end
`

// KEYS: job slot, running set, person bucket, server bucket.
// ARGV: jobId, ttl, maxJobs, person perMinute, burst, server perMinute, burst.
// Returns {0} admitted, or {code, retryAfter}: 1 job in document, 2 max jobs, 3 person rate, 4 server rate.
const ADMIT = `${LIB}
local t = now()
local ttl = tonumber(ARGV[2])
if redis.call('EXISTS', KEYS[1]) == 1 then return {1, 0} end
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', t)
if redis.call('ZCARD', KEYS[2]) >= tonumber(ARGV[3]) then return {2, 0} end
local pBurst, sBurst = tonumber(ARGV[5]), tonumber(ARGV[7])
local p, pRate = bucket(KEYS[3], tonumber(ARGV[4]), pBurst, t)
local pWait = wait(p, pRate)
if pWait > 0 then return {3, pWait} end
local s, sRate = bucket(KEYS[4], tonumber(ARGV[6]), sBurst, t)
local sWait = wait(s, sRate)
if sWait > 0 then return {4, sWait} end
take(KEYS[3], p, pRate, pBurst, t)
take(KEYS[4], s, sRate, sBurst, t)
redis.call('SET', KEYS[1], ARGV[1], 'PX', ttl)
redis.call('ZADD', KEYS[2], t + ttl, ARGV[1])
redis.call('PEXPIRE', KEYS[2], ttl)
return {0, 0}
`

// KEYS: job slot, running set. ARGV: jobId, ttl.
const RENEW = `${LIB}
local t = now()
local ttl = tonumber(ARGV[2])
redis.call('ZADD', KEYS[2], t + ttl, ARGV[1])
if redis.call('PTTL', KEYS[2]) < ttl then redis.call('PEXPIRE', KEYS[2], ttl) end
if redis.call('GET', KEYS[1]) == ARGV[1] or redis.call('EXISTS', KEYS[1]) == 0 then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ttl)
end
return 1
`

// KEYS: job slot, running set. ARGV: jobId.
const RELEASE = `
redis.call('ZREM', KEYS[2], ARGV[1])
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
return 1
`

const REFUSALS: Record<number, AdmissionRefusal> = { 1: 'job_in_document', 2: 'max_jobs', 3: 'person_rate', 4: 'server_rate' }

interface Held {
  slot: string
  where: 'redis' | 'local'
}

export async function connectRedisAdmission(options: RedisAdmissionOptions): Promise<RedisAdmission> {
  const opts = { ...REDIS_ADMISSION_DEFAULTS, ...options }
  const redis = new Redis(opts.url, {
    lazyConnect: true,
    connectTimeout: opts.connectTimeoutMs,
    commandTimeout: opts.commandTimeoutMs,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    connectionName: 'quill-ai-admission',
  })
  redis.on('error', () => {}) // reconnects by itself; failed commands fall back
  await redis.connect()
  return new RedisAdmission(redis, opts)
}

export class RedisAdmission implements AiAdmission {
  private readonly local = new MemoryAdmission()
  private readonly held = new Map<string, Held>()
  private readonly renewer: NodeJS.Timeout
  private readonly running: string
  private fallingBack = false

  constructor(
    private readonly redis: Redis,
    private readonly opts: Required<Omit<RedisAdmissionOptions, 'log'>> & Pick<RedisAdmissionOptions, 'log'>,
  ) {
    this.running = `${opts.keyPrefix}admit:running`
    this.renewer = setInterval(() => this.renew(), Math.max(50, Math.floor(opts.aliveTtlMs / 3)))
    this.renewer.unref()
  }

  async admit(request: AdmissionRequest): Promise<Admission> {
    const { jobId, person, docId, limits } = request
    const slot = this.key(`admit:job:${encodeURIComponent(person)}:${encodeURIComponent(docId)}`)
    let reply: [number, number]
    try {
      reply = (await this.redis.eval(
        ADMIT,
        4,
        slot,
        this.running,
        this.key(`admit:rate:p:${encodeURIComponent(person)}`),
        this.key('admit:rate:server'),
        jobId,
        this.opts.aliveTtlMs,
        limits.maxJobs,
        limits.person.perMinute,
        limits.person.burst,
        limits.server.perMinute,
        limits.server.burst,
      )) as [number, number]
    } catch (err) {
      this.warnFallback(err as Error)
      const local = this.local.admitNow(request)
      if (local.admitted) this.held.set(jobId, { slot, where: 'local' })
      return local
    }
    this.fallingBack = false
    const [code, wait] = reply
    const reason = REFUSALS[code]
    if (reason === 'job_in_document' || reason === 'max_jobs') return { admitted: false, reason, retryAfter: RUNNING_RETRY_AFTER[reason] }
    if (reason) return { admitted: false, reason, retryAfter: wait }
    this.held.set(jobId, { slot, where: 'redis' })
    this.local.track(jobId, person, docId)
    return { admitted: true }
  }

  async release(jobId: string): Promise<void> {
    const held = this.held.get(jobId)
    if (!held) return
    this.held.delete(jobId)
    await this.local.release(jobId)
    // A failed release only lets the job count until its TTL runs out.
    if (held.where === 'redis') await this.redis.eval(RELEASE, 2, held.slot, this.running, jobId).catch(() => {})
  }

  async close(): Promise<void> {
    clearInterval(this.renewer)
    await Promise.all([...this.held.keys()].map((id) => this.release(id)))
    await this.redis.quit().catch(() => this.redis.disconnect())
  }

  /** The keep-alive of this instance's running jobs. */
  private renew(): void {
    for (const [jobId, held] of this.held) {
      if (held.where === 'redis') void this.redis.eval(RENEW, 2, held.slot, this.running, jobId, this.opts.aliveTtlMs).catch(() => {})
    }
  }

  private key(name: string): string {
    return `${this.opts.keyPrefix}${name}`
  }

  private warnFallback(err: Error): void {
    if (this.fallingBack) return
    this.fallingBack = true
    this.opts.log?.warn(`AI admission: Redis unreachable (${err.message}); using this instance's own limits until it is back`)
  }
}

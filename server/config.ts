/**
 * All configuration comes from environment variables, read here and nowhere
 * else. `loadConfig(env)` validates once at start-up and throws a
 * `ConfigError` that names every bad variable; nothing reads `process.env` at
 * import time, so tests can run several servers in one process.
 */
import path from 'node:path'
import { z } from 'zod'
import { defaultClientDir } from './clientDir.ts'
import { postgresUrlProblem } from './storage/postgresUrl.ts'

export const SQLITE_SYNC_LEVELS = ['OFF', 'NORMAL', 'FULL', 'EXTRA'] as const

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max)
const EnvSchema = z.object({
  PORT: int(0, 65535).default(3000),
  HOST: z.string().min(1).optional(),
  DATA_DIR: z.string().min(1).default('./data'),
  STORAGE: z.enum(['sqlite', 'memory', 'postgres']).default('sqlite'),
  // Checked below, by hand: zod's message would print the password.
  DATABASE_URL: z.string().optional(),
  REDIS_URL: z.string().url().refine((u) => /^rediss?:\/\//.test(u), 'must be a redis:// or rediss:// URL').optional(),
  SQLITE_SYNCHRONOUS: z.enum(SQLITE_SYNC_LEVELS).default('NORMAL'),
  COMPACT_AFTER_UPDATES: int(1, 10_000_000).default(500),
  ROOM_UNLOAD_DELAY_MS: int(0, 3_600_000).default(1000),
  PING_INTERVAL_MS: int(100, 3_600_000).default(30_000),
  MAX_MESSAGE_BYTES: int(1024, 512 * 1024 * 1024).default(16 * 1024 * 1024),
  MAX_BUFFERED_BYTES: int(64 * 1024, 1024 * 1024 * 1024).default(8 * 1024 * 1024),
  MAX_BODY_BYTES: int(1024, 64 * 1024 * 1024).default(256 * 1024),
  STATIC_DIR: z.string().min(1).optional(),
  // Access control and limits.
  AUTH_SECRET: z.string().min(32, 'must be at least 32 characters (use `openssl rand -hex 32`)').optional(),
  ALLOWED_ORIGINS: z.string().optional(),
  PUBLIC_URL: z.string().url().optional(),
  TRUST_PROXY: z.enum(['0', '1', 'true', 'false']).default('false'),
  MAX_CONNECTIONS_PER_IP: int(1, 1_000_000).default(200),
  MAX_CONNECTIONS_PER_DOC: int(1, 1_000_000).default(500),
  MAX_DOC_BYTES: int(1024, 2 * 1024 * 1024 * 1024).default(64 * 1024 * 1024),
  AI_RATE_PER_MINUTE: z.coerce.number().min(0.1).max(100_000).default(10),
  AI_RATE_BURST: int(1, 10_000).default(5),
  AI_SERVER_RATE_PER_MINUTE: z.coerce.number().min(0.1).max(1_000_000).default(120),
  LOG_LEVEL: z.enum(['silent', 'error', 'warn', 'info', 'debug']).default('info'),
  LOG_FORMAT: z.enum(['json', 'pretty']).optional(),
  METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters (use `openssl rand -hex 32`)').optional(),
  // AI provider (any OpenAI-compatible endpoint).
  OPENAI_API_KEY: z.string().min(1).optional(),
  OPENAI_BASE_URL: z.string().url().optional(),
  AI_MODEL: z.string().min(1).optional(),
  AI_MAX_OUTPUT_TOKENS: int(1, 1_000_000).default(1024),
  AI_TEMPERATURE: z.coerce.number().min(0).max(2).default(0.7),
  AI_TIMEOUT_MS: int(100, 600_000).default(30_000),
  AI_MAX_INSTRUCTION_CHARS: int(1, 20_000).default(2000),
  AI_MAX_CONCURRENT_JOBS: int(1, 10_000).default(20),
  AI_EVENT_RETENTION_MS: int(1000, 24 * 3_600_000).default(10 * 60_000),
  AI_DRAIN_TIMEOUT_MS: int(0, 3_600_000).default(60_000),
  AI_FLUSH_INTERVAL_MS: int(10, 5000).default(50),
  AI_HEARTBEAT_MS: int(100, 300_000).default(15_000),
  AI_CONTEXT_CHARS: int(100, 1_000_000).default(6000),
  SSE_HEARTBEAT_MS: int(100, 300_000).optional(),
  // Version history.
  VERSIONS_KEEP_ALL_HOURS: int(1, 87_600).default(24),
  VERSIONS_HOURLY_DAYS: int(0, 36_500).default(7),
  VERSIONS_DAILY_DAYS: int(0, 36_500).default(0),
  VERSIONS_QUIET_SECONDS: int(1, 86_400).default(120),
})

export interface AiProviderConfig {
  apiKey: string
  baseURL: string | undefined
  model: string
}

export interface ServerConfig {
  port: number
  /** Where to listen. Defaults to 127.0.0.1 (see README: open mode). */
  host: string
  hostExplicit: boolean
  dataDir: string
  storage: 'sqlite' | 'memory' | 'postgres'
  /** PostgreSQL connection URL; set exactly when storage is 'postgres'. */
  databaseUrl: string | null
  /** The bus between instances; null = one instance, no bus. Requires storage 'postgres'. */
  redisUrl: string | null
  sqliteSynchronous: (typeof SQLITE_SYNC_LEVELS)[number]
  compactAfterUpdates: number
  roomUnloadDelayMs: number
  pingIntervalMs: number
  maxMessageBytes: number
  maxBufferedBytes: number
  maxBodyBytes: number
  staticDir: string
  /** null = open mode (no tokens; localhost by default). */
  authSecret: string | null
  /** Extra origins allowed for WebSockets and CORS (same-origin is always allowed). */
  allowedOrigins: string[]
  publicUrl: string | null
  trustProxy: boolean
  maxConnectionsPerIp: number
  maxConnectionsPerDoc: number
  maxDocBytes: number
  logLevel: 'silent' | 'error' | 'warn' | 'info' | 'debug'
  /** null = JSON lines, or readable lines when stderr is a terminal. */
  logFormat: 'json' | 'pretty' | null
  /** Bearer token that opens GET /metrics beyond loopback; null = loopback only. */
  metricsToken: string | null
  ai: {
    /** null when not configured: AI routes answer 503 with `aiNotConfiguredMessage`. */
    provider: AiProviderConfig | null
    maxOutputTokens: number
    temperature: number
    timeoutMs: number
    maxInstructionChars: number
    maxConcurrentJobs: number
    eventRetentionMs: number
    /** On SIGTERM, how long running jobs may go on before they are cancelled. */
    drainTimeoutMs: number
    flushIntervalMs: number
    heartbeatMs: number
    contextChars: number
    /** Token bucket per person: refill per minute, and burst size. */
    ratePerMinute: number
    rateBurst: number
    serverRatePerMinute: number
  }
  versions: {
    /** Every version younger than this is kept. */
    keepAllMs: number
    /** After that, one per UTC hour for this long. */
    hourlyForMs: number
    /** After that, one per UTC day for this long; Infinity = forever. */
    dailyForMs: number
    /** How long a document must be quiet before an automatic version. */
    quietMs: number
  }
}

export class ConfigError extends Error {
  override name = 'ConfigError'
}

export const AI_NOT_CONFIGURED_MESSAGE =
  'AI is not configured on this server. Set AI_MODEL and OPENAI_API_KEY (and OPENAI_BASE_URL for Ollama, vLLM, llama.cpp or another OpenAI-compatible server), then restart.'

export function loadConfig(env: Record<string, string | undefined> = process.env): ServerConfig {
  // Empty strings count as unset, as in most shells' `FOO= npm start`.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''))
  const parsed = EnvSchema.safeParse(cleaned)
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message} (got ${JSON.stringify(cleaned[String(i.path[0])])})`)
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`)
  }
  const e = parsed.data
  return {
    port: e.PORT,
    host: e.HOST ?? '127.0.0.1',
    hostExplicit: e.HOST !== undefined,
    dataDir: path.resolve(e.DATA_DIR),
    storage: e.STORAGE,
    databaseUrl: databaseUrl(e.STORAGE, e.DATABASE_URL),
    redisUrl: redisUrl(e.STORAGE, e.REDIS_URL),
    sqliteSynchronous: e.SQLITE_SYNCHRONOUS,
    compactAfterUpdates: e.COMPACT_AFTER_UPDATES,
    roomUnloadDelayMs: e.ROOM_UNLOAD_DELAY_MS,
    pingIntervalMs: e.PING_INTERVAL_MS,
    maxMessageBytes: e.MAX_MESSAGE_BYTES,
    maxBufferedBytes: e.MAX_BUFFERED_BYTES,
    maxBodyBytes: e.MAX_BODY_BYTES,
    staticDir: e.STATIC_DIR ? path.resolve(e.STATIC_DIR) : defaultClientDir(),
    authSecret: e.AUTH_SECRET ?? null,
    allowedOrigins: parseOrigins(e.ALLOWED_ORIGINS),
    publicUrl: e.PUBLIC_URL ?? null,
    trustProxy: e.TRUST_PROXY === '1' || e.TRUST_PROXY === 'true',
    maxConnectionsPerIp: e.MAX_CONNECTIONS_PER_IP,
    maxConnectionsPerDoc: e.MAX_CONNECTIONS_PER_DOC,
    maxDocBytes: e.MAX_DOC_BYTES,
    logLevel: e.LOG_LEVEL,
    logFormat: e.LOG_FORMAT ?? null,
    metricsToken: e.METRICS_TOKEN ?? null,
    ai: {
      provider: aiProvider(e.AI_MODEL, e.OPENAI_API_KEY, e.OPENAI_BASE_URL),
      maxOutputTokens: e.AI_MAX_OUTPUT_TOKENS,
      temperature: e.AI_TEMPERATURE,
      timeoutMs: e.AI_TIMEOUT_MS,
      maxInstructionChars: e.AI_MAX_INSTRUCTION_CHARS,
      maxConcurrentJobs: e.AI_MAX_CONCURRENT_JOBS,
      eventRetentionMs: e.AI_EVENT_RETENTION_MS,
      drainTimeoutMs: e.AI_DRAIN_TIMEOUT_MS,
      flushIntervalMs: e.AI_FLUSH_INTERVAL_MS,
      heartbeatMs: e.SSE_HEARTBEAT_MS ?? e.AI_HEARTBEAT_MS,
      contextChars: e.AI_CONTEXT_CHARS,
      ratePerMinute: e.AI_RATE_PER_MINUTE,
      rateBurst: e.AI_RATE_BURST,
      serverRatePerMinute: e.AI_SERVER_RATE_PER_MINUTE,
    },
    versions: {
      keepAllMs: e.VERSIONS_KEEP_ALL_HOURS * 3_600_000,
      hourlyForMs: e.VERSIONS_HOURLY_DAYS * 86_400_000,
      // 0 = forever (the default): past the hourly tier, one version a day is kept for good.
      dailyForMs: e.VERSIONS_DAILY_DAYS === 0 ? Infinity : e.VERSIONS_DAILY_DAYS * 86_400_000,
      quietMs: e.VERSIONS_QUIET_SECONDS * 1000,
    },
  }
}

function databaseUrl(storage: ServerConfig['storage'], url: string | undefined): string | null {
  if (storage !== 'postgres') {
    // Several instances each on their own SQLite would silently diverge.
    if (url) throw new ConfigError(`DATABASE_URL is set but STORAGE is ${storage}: set STORAGE=postgres to use the database, or unset DATABASE_URL.`)
    return null
  }
  if (!url) throw new ConfigError('STORAGE=postgres needs DATABASE_URL, like postgres://user:password@host:5432/dbname')
  const problem = postgresUrlProblem(url)
  if (problem) throw new ConfigError(`DATABASE_URL ${problem}`)
  return url
}

function redisUrl(storage: ServerConfig['storage'], url: string | undefined): string | null {
  if (!url) return null
  // Instances on their own SQLite (or memory) files would each keep a
  // different document; the bus only relays, the shared store is the truth.
  if (storage !== 'postgres') throw new ConfigError(`REDIS_URL is set but STORAGE is ${storage}: several instances need a shared store, so set STORAGE=postgres and DATABASE_URL.`)
  return url
}

function aiProvider(model: string | undefined, apiKey: string | undefined, baseURL: string | undefined): AiProviderConfig | null {
  if (!model) return null
  // Local servers (Ollama, llama.cpp) accept any key; OpenAI itself needs one.
  if (!apiKey && !baseURL) {
    throw new ConfigError('AI_MODEL is set but OPENAI_API_KEY is not. Set OPENAI_API_KEY, or OPENAI_BASE_URL for a local server that needs no key.')
  }
  return { apiKey: apiKey ?? 'not-needed', baseURL, model }
}

function parseOrigins(raw: string | undefined): string[] {
  if (!raw) return []
  return raw
    .split(',')
    .map((o) => o.trim())
    .filter(Boolean)
    .map((o) => {
      try {
        return new URL(o).origin
      } catch {
        throw new ConfigError(`ALLOWED_ORIGINS: ${JSON.stringify(o)} is not an origin like https://docs.example.com`)
      }
    })
}

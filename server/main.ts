/**
 * `npm start`: read the environment, start one server, and shut down
 * gracefully on SIGTERM/SIGINT: first drain (no new AI jobs, running ones
 * finish, up to AI_DRAIN_TIMEOUT_MS), then store every room and close the
 * sockets with 1001, so clients reconnect through the load balancer.
 */
import { ConfigError, loadConfig, type ServerConfig } from './config.ts'
import { createLogger } from './log.ts'
import { createServer } from './server.ts'
import { Metrics } from './metrics/index.ts'
import { describeDatabase } from './storage/postgresUrl.ts'
import { openStore, StorageUnavailableError } from './storage/index.ts'
import { connectRedisBus, redactUrl, type Bus } from './bus/index.ts'
import { connectRedisEventStore, type AiEventStore } from './ai/events/index.ts'
import { connectRedisAdmission, type AiAdmission } from './ai/admission/index.ts'

async function main(): Promise<void> {
  let config
  try {
    config = loadConfig(process.env)
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`)
      process.exit(2)
    }
    throw err
  }
  const log = createLogger(config.logLevel, { format: config.logFormat })
  // Made here because the store (opened before the server) reports to it.
  const metrics = new Metrics()
  let store
  try {
    store = await openStore(config, log, metrics.onCommit)
  } catch (err) {
    if (err instanceof StorageUnavailableError) {
      process.stderr.write(`${err.message}\n`)
      process.exit(1)
    }
    throw err
  }
  let bus: Bus | undefined
  let aiEvents: AiEventStore | undefined
  let aiAdmission: AiAdmission | undefined
  if (config.redisUrl) {
    try {
      bus = await connectRedisBus({ url: config.redisUrl, logger: log })
      aiEvents = await connectRedisEventStore({ url: config.redisUrl, retentionMs: config.ai.eventRetentionMs }).catch((err: unknown) => {
        throw new Error(`Redis at ${redactUrl(config.redisUrl!)} is unreachable: ${(err as Error).message}`)
      })
      aiAdmission = await connectRedisAdmission({ url: config.redisUrl, log }).catch((err: unknown) => {
        throw new Error(`Redis at ${redactUrl(config.redisUrl!)} is unreachable: ${(err as Error).message}`)
      })
    } catch (err) {
      // Its message names the host, never the password.
      process.stderr.write(`${(err as Error).message.replace(/\s*\n\s*/g, ' ')}\n`)
      await bus?.close().catch(() => {})
      await aiEvents?.close().catch(() => {})
      await store.close().catch(() => {})
      process.exit(1)
    }
  }
  const server = createServer(config, { log, store, metrics, ...(bus && { bus }), ...(aiEvents && { aiEvents }), ...(aiAdmission && { aiAdmission }) })
  const { url } = await server.listen()
  log.info(`listening on ${url} (data in ${dataPlace(config)}${config.redisUrl ? `; bus: Redis at ${redactUrl(config.redisUrl)}` : ''})`)
  log.info(config.ai.provider ? `AI: model ${config.ai.provider.model}${config.ai.provider.baseURL ? ` at ${config.ai.provider.baseURL}` : ''}` : 'AI: not configured (set AI_MODEL and OPENAI_API_KEY to enable)')
  if (!config.authSecret) {
    log.warn(
      config.hostExplicit
        ? `OPEN MODE on ${config.host}: AUTH_SECRET is not set, so anyone who can reach this address can read, change and delete every document. Set AUTH_SECRET to require tokens.`
        : 'OPEN MODE: AUTH_SECRET is not set, so there are no tokens; listening on 127.0.0.1 only. Set AUTH_SECRET (and HOST) to serve others.',
    )
  }
  // Machine-readable line for scripts and tests that start the server.
  process.stdout.write(`READY ${url}\n`)

  let stopping = false
  const stop = (signal: string) => {
    if (stopping) return
    stopping = true
    log.info(`${signal}: draining AI jobs (up to ${config.ai.drainTimeoutMs} ms), then storing rooms and closing connections`)
    server
      .drain()
      .then((ended) => {
        if (!ended) log.warn('drain timeout: cancelling the AI jobs still running (their text stays)')
        return server.close()
      })
      .then(
        () => process.exit(0),
        (err: unknown) => {
          log.error('shutdown failed', err)
          process.exit(1)
        },
      )
  }
  process.on('SIGTERM', () => stop('SIGTERM'))
  process.on('SIGINT', () => stop('SIGINT'))
}

function dataPlace(config: ServerConfig): string {
  if (config.storage === 'sqlite') return config.dataDir
  if (config.storage === 'postgres') return `PostgreSQL at ${describeDatabase(config.databaseUrl!)}`
  return 'memory'
}

void main()

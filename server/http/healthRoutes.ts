import { Hono } from 'hono'
import type { HealthResponse } from '../../shared/apiTypes.ts'
import type { ServerContext } from '../context.ts'
import type { DocStore } from '../storage/types.ts'

/** A store that has not answered a ping in this long counts as unreachable. */
export const STORE_PING_TIMEOUT_MS = 2000

export function healthRoutes(ctx: ServerContext) {
  const started = Date.now()
  const ping = storePinger(ctx.store)
  return new Hono().get('/', async (c) => {
    // A room whose writes fail says so; so does a store nobody is writing to
    // (PostgreSQL down while this instance's clients only read): either way
    // this instance can neither store an edit nor load a document.
    const unreachable = await ping()
    const failing = ctx.registry.storageFailing || unreachable !== null
    const body: HealthResponse = {
      status: failing ? 'degraded' : 'ok',
      uptimeSeconds: Math.round((Date.now() - started) / 1000),
      rooms: ctx.registry.size,
      connections: ctx.registry.connectionCount,
      storage: { ok: !failing, lastError: ctx.registry.lastStorageError ?? unreachable, pendingWrites: ctx.registry.pendingWrites },
      bus: ctx.bus ? ctx.bus.status() : 'none',
      ai: ctx.ai ? ctx.ai.health() : { configured: false, runningJobs: 0 },
    }
    // 503 lets a load balancer take a degraded instance out of rotation. A
    // bus outage is not one: this instance still serves and stores its own
    // clients' edits, and the others pick them up from the store.
    // Draining (SIGTERM) is out of rotation too: new clients belong elsewhere.
    return c.json(body, failing || ctx.ai?.isDraining ? 503 : 200)
  })
}

/**
 * Null when the store answers, else why not. Concurrent health checks share
 * one ping, so a load balancer polling hard cannot pile up queries on a
 * struggling database.
 */
function storePinger(store: DocStore): () => Promise<string | null> {
  let inFlight: Promise<string | null> | null = null
  return () =>
    (inFlight ??= new Promise<string | null>((resolve) => {
      const timer = setTimeout(() => resolve(`the store did not answer within ${STORE_PING_TIMEOUT_MS} ms`), STORE_PING_TIMEOUT_MS)
      store.ping().then(
        () => resolve(null),
        (err: unknown) => resolve(`the store is unreachable: ${err instanceof Error ? err.message : String(err)}`),
      ).finally(() => clearTimeout(timer))
    }).finally(() => (inFlight = null)))
}

import { Hono } from 'hono'
import type { HealthResponse } from '../../shared/apiTypes.ts'
import type { ServerContext } from '../context.ts'

export function healthRoutes(ctx: ServerContext) {
  const started = Date.now()
  return new Hono().get('/', (c) => {
    const failing = ctx.registry.storageFailing
    const body: HealthResponse = {
      status: failing ? 'degraded' : 'ok',
      uptimeSeconds: Math.round((Date.now() - started) / 1000),
      rooms: ctx.registry.size,
      connections: ctx.registry.connectionCount,
      storage: { ok: !failing, lastError: ctx.registry.lastStorageError, pendingWrites: ctx.registry.pendingWrites },
      bus: ctx.bus ? ctx.bus.status() : 'none',
      ai: ctx.ai ? ctx.ai.health() : { configured: false, runningJobs: 0 },
    }
    // 503 lets a load balancer take a degraded instance out of rotation. A
    // bus outage is not one: this instance still serves and stores its own
    // clients' edits, and the others pick them up from the store.
    return c.json(body, failing ? 503 : 200)
  })
}

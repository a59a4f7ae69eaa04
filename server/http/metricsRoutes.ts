import type { IncomingMessage } from 'node:http'
import { Hono, type Context } from 'hono'
import type { ServerContext } from '../context.ts'
import { metricsAllowed } from '../metrics/index.ts'
import { ApiError } from './errors.ts'

/**
 * `GET /metrics` in the Prometheus text format: loopback peers only, or
 * anyone with METRICS_TOKEN as a bearer token (server/metrics/access.ts).
 */
export function metricsRoutes(ctx: ServerContext) {
  const token = ctx.config.metricsToken
  return new Hono().get('/', async (c) => {
    if (!metricsAllowed(peerAddress(c), c.req.header('authorization'), token)) {
      throw new ApiError(403, 'forbidden', token ? 'metrics need the METRICS_TOKEN bearer token from this address' : 'metrics answer only loopback clients; set METRICS_TOKEN to scrape from elsewhere')
    }
    const { body, contentType } = await ctx.metrics.scrape()
    return c.body(body, 200, { 'Content-Type': contentType, 'Cache-Control': 'no-store' })
  })
}

/** The TCP peer as @hono/node-server hands it over in `env.incoming` (undefined elsewhere). */
function peerAddress(c: Context): string | undefined {
  const env = c.env as { incoming?: Pick<IncomingMessage, 'socket'> } | undefined
  return env?.incoming?.socket?.remoteAddress
}

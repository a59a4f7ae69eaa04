/**
 * Every HTTP request gets an id (`X-Request-Id` from the proxy when it sent
 * a sane one, else a fresh UUID, echoed in the response), one log line when
 * its response starts, and a count in the refusals metric when it failed.
 *
 * The line carries method, path (never the query string: share links and
 * fetch clients put tokens there), status and time to the response headers
 * (an SSE stream goes on after that). Health checks and scrapes are logged
 * at debug, so a load balancer polling every second does not fill the log.
 */
import type { Context, MiddlewareHandler } from 'hono'
import type { RequestIdVariables } from 'hono/request-id'
import type { ServerContext } from '../context.ts'

const QUIET = /^\/(?:metrics|api\/health)(?:\/|$)/

export function requestIdOf(c: Context): string | undefined {
  return (c as Context<{ Variables: RequestIdVariables }>).get('requestId')
}

export function requestLog(ctx: ServerContext): MiddlewareHandler {
  return async (c, next) => {
    const started = performance.now()
    await next()
    // After next(), c.res holds what onError made of a throw.
    const status = c.res.status
    if (status >= 400) ctx.metrics.httpRefused(status)
    const path = c.req.path
    const fields = { reqId: requestIdOf(c), method: c.req.method, path, status, ms: Math.round((performance.now() - started) * 10) / 10 }
    if (QUIET.test(path) || !path.startsWith('/api/')) ctx.log.debug('request', fields)
    else if (status >= 500) ctx.log.error('request', fields)
    else ctx.log.info('request', fields)
  }
}

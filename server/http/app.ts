import { Hono } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { cors } from 'hono/cors'
import { requestId } from 'hono/request-id'
import type { ServerContext } from '../context.ts'
import { ApiError, createErrorHandler, errorBody } from './errors.ts'
import { docsRoutes } from './docsRoutes.ts'
import { versionRoutes } from './versionRoutes.ts'
import { healthRoutes } from './healthRoutes.ts'
import { aiRoutes } from './aiRoutes.ts'
import { mountStatic } from './staticRoutes.ts'
import { shareRoutes } from './shareRoutes.ts'
import { metricsRoutes } from './metricsRoutes.ts'
import { requestLog } from './requestLog.ts'

export function createApp(ctx: ServerContext): Hono {
  const app = new Hono()
  app.onError(createErrorHandler(ctx.log))
  app.use(requestId())
  app.use(requestLog(ctx))
  app.route('/metrics', metricsRoutes(ctx))
  // Cross-origin browsers may call the API only from ALLOWED_ORIGINS.
  app.use('/api/*', cors({ origin: (origin) => (ctx.config.allowedOrigins.includes(origin) ? origin : null), allowHeaders: ['Authorization', 'Content-Type', 'Last-Event-ID'], exposeHeaders: ['Retry-After'] }))
  // CORS only hides responses; this refuses cross-site requests outright, so
  // a hostile page cannot create or change documents through a visitor's
  // browser (which matters in open mode, where there is no token).
  app.use('/api/*', async (c, next) => {
    if (!ctx.access.originAllowed(c.req.header('origin'), c.req.header('host'))) throw new ApiError(403, 'forbidden', 'this origin is not allowed (see ALLOWED_ORIGINS)')
    await next()
  })
  app.use(
    '/api/*',
    bodyLimit({
      maxSize: ctx.config.maxBodyBytes,
      onError: (c) => c.json(errorBody('payload_too_large', `request body exceeds ${ctx.config.maxBodyBytes} bytes`), 413),
    }),
  )
  app.route('/api/health', healthRoutes(ctx))
  app.route('/api/docs', docsRoutes(ctx))
  app.route('/api/docs', versionRoutes(ctx))
  app.route('/api', aiRoutes(ctx))
  app.route('/api', shareRoutes(ctx))
  app.all('/api/*', () => {
    throw new ApiError(404, 'not_found', 'no such API route')
  })
  mountStatic(app, ctx.config.staticDir)
  return app
}

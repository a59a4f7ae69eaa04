import { Hono } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import type { ServerContext } from '../context.ts'
import { ApiError, createErrorHandler, errorBody } from './errors.ts'
import { docsRoutes } from './docsRoutes.ts'
import { healthRoutes } from './healthRoutes.ts'
import { aiRoutes } from './aiRoutes.ts'
import { mountStatic } from './staticRoutes.ts'

export function createApp(ctx: ServerContext): Hono {
  const app = new Hono()
  app.onError(createErrorHandler(ctx.log))
  app.use(
    '/api/*',
    bodyLimit({
      maxSize: ctx.config.maxBodyBytes,
      onError: (c) => c.json(errorBody('payload_too_large', `request body exceeds ${ctx.config.maxBodyBytes} bytes`), 413),
    }),
  )
  app.route('/api/health', healthRoutes(ctx))
  app.route('/api/docs', docsRoutes(ctx))
  app.route('/api', aiRoutes(ctx))
  app.all('/api/*', () => {
    throw new ApiError(404, 'not_found', 'no such API route')
  })
  mountStatic(app, ctx.config.staticDir)
  return app
}

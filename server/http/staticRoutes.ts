import fs from 'node:fs'
import path from 'node:path'
import type { Hono } from 'hono'
import { serveStatic } from '@hono/node-server/serve-static'

/**
 * Serve the built client, and `index.html` for any other non-API path so
 * that deep links like `/d/<id>` load the app.
 */
export function mountStatic(app: Hono, staticDir: string): void {
  const index = path.join(staticDir, 'index.html')
  const root = path.relative(process.cwd(), staticDir) || '.'
  app.use('/assets/*', async (c, next) => {
    await next()
    // Vite fingerprints asset names, so they can be cached for good.
    if (c.res.status === 200) c.header('Cache-Control', 'public, max-age=31536000, immutable')
  })
  app.use('*', serveStatic({ root }))
  app.get('*', (c) => {
    if (c.req.path.startsWith('/api/')) return c.notFound()
    if (!fs.existsSync(index)) {
      return c.text('The client is not built. Run `npm run build` (npm start does this for you).', 503)
    }
    c.header('Cache-Control', 'no-cache')
    return c.html(fs.readFileSync(index, 'utf8'))
  })
}

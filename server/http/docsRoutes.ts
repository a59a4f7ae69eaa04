import { Hono } from 'hono'
import { z } from 'zod'
import { newDocId } from '../../shared/docId.ts'
import type { CreateDocResponse, DocListResponse, DocSummary, ExportFormat } from '../../shared/apiTypes.ts'
import { DocExistsError, type DocMeta } from '../storage/types.ts'
import { EXPORT_TYPES, exportDocument } from '../export/index.ts'
import { documentTitle } from '../collab/title.ts'
import { DocumentDeletedError } from '../collab/room.ts'
import type { ServerContext } from '../context.ts'
import { ApiError } from './errors.ts'
import { docIdParam, jsonBody } from './validate.ts'
import { authorize, identify } from './authorize.ts'
import { grantCovers } from '../auth/tokens.ts'

const CreateBody = z.object({}).strict()
const ExportQuery = z.object({ format: z.enum(['md', 'html', 'json']).default('md') })

export function docsRoutes(ctx: ServerContext) {
  const { store, registry } = ctx
  return new Hono()
    .get('/', async (c) => {
      const grant = await identify(c, ctx)
      const metas = (await store.list()).filter((m) => grantCovers(grant, m.id))
      const live = (id: string) => {
        const room = registry.get(id)
        return room?.hydrated ? documentTitle(room.fragment) : null
      }
      const body: DocListResponse = { docs: metas.map((m) => summary(m, live(m.id))) }
      return c.json(body)
    })
    .post('/', async (c) => {
      await authorize(c, ctx, null, 'editor')
      await jsonBody(c, CreateBody)
      for (let attempt = 0; ; attempt++) {
        const id = newDocId()
        try {
          await store.create(id, Date.now())
          const body: CreateDocResponse = { id }
          return c.json(body, 201)
        } catch (err) {
          if (!(err instanceof DocExistsError) || attempt >= 3) throw err
        }
      }
    })
    .get('/:id/export', async (c) => {
      const id = docIdParam(c)
      await authorize(c, ctx, id, 'viewer')
      const parsed = ExportQuery.safeParse({ format: c.req.query('format') })
      if (!parsed.success) throw new ApiError(400, 'bad_request', 'format must be one of md, html, json')
      const format: ExportFormat = parsed.data.format
      if (!(await store.meta(id)) && !registry.get(id)) throw new ApiError(404, 'not_found', `no document ${id}`)
      const room = await registry.acquire(id).catch((err: unknown) => {
        if (err instanceof DocumentDeletedError) throw new ApiError(404, 'not_found', `no document ${id}`)
        throw err
      })
      // Hold the room while reading so it cannot unload underneath us.
      const release = room.retain()
      try {
        const title = documentTitle(room.fragment) || 'Untitled'
        const body = exportDocument(room.fragment, format, title)
        const { mime, ext } = EXPORT_TYPES[format]
        c.header('Content-Type', mime)
        c.header('Content-Disposition', `attachment; filename="${fileName(title)}.${ext}"`)
        c.header('Cache-Control', 'no-store')
        return c.body(body)
      } finally {
        release()
      }
    })
    .delete('/:id', async (c) => {
      const id = docIdParam(c)
      await authorize(c, ctx, id, 'owner')
      const existed = await store.delete(id)
      ctx.deleteLive(id)
      if (!existed) throw new ApiError(404, 'not_found', `no document ${id}`)
      return c.body(null, 204)
    })
}

function summary(m: DocMeta, liveTitle: string | null): DocSummary {
  return {
    id: m.id,
    title: (liveTitle ?? m.title) || 'Untitled',
    createdAt: new Date(m.createdAt).toISOString(),
    updatedAt: new Date(m.updatedAt).toISOString(),
  }
}

function fileName(title: string): string {
  return title.replace(/[^A-Za-z0-9 _-]+/g, '').trim().replace(/\s+/g, '-').slice(0, 60) || 'document'
}

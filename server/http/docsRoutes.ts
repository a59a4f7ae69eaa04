import { Hono } from 'hono'
import { z } from 'zod'
import { DOC_ID_PATTERN, DOC_ID_RULE } from '../../shared/docId.ts'
import { DOC_SORTS, SEARCH_MAX_CHARS, type CreateDocResponse, type DocListResponse, type ExportFormat } from '../../shared/apiTypes.ts'
import { DocExistsError } from '../storage/types.ts'
import { EXPORT_TYPES, exportDocument } from '../export/index.ts'
import { documentTitle } from '../collab/title.ts'
import { DocumentDeletedError } from '../collab/room.ts'
import type { ServerContext } from '../context.ts'
import { ApiError, validationError } from './errors.ts'
import { docIdParam, jsonBody } from './validate.ts'
import { authorize, identify } from './authorize.ts'
import { grantCovers } from '../auth/tokens.ts'
import { liveTitles, sortSummaries, toSummary } from './docSummaries.ts'
import { createFresh, importRoutes } from './importRoutes.ts'

const CreateBody = z.object({ id: z.string().regex(DOC_ID_PATTERN, `id must be ${DOC_ID_RULE}`).optional() }).strict()
const ExportQuery = z.object({ format: z.enum(['md', 'html', 'json']).default('md') })
const ListQuery = z.object({
  q: z.string().max(SEARCH_MAX_CHARS, `q: at most ${SEARCH_MAX_CHARS} characters`).optional(),
  sort: z.enum(DOC_SORTS).default('updated'),
})

/** A search answers this many documents at most (newest change first, then sorted as asked). */
export const SEARCH_LIMIT = 50

export function docsRoutes(ctx: ServerContext) {
  const { store, registry } = ctx
  return new Hono()
    .get('/', async (c) => {
      const grant = await identify(c, ctx)
      const parsed = ListQuery.safeParse({ q: c.req.query('q'), sort: c.req.query('sort') })
      if (!parsed.success) throw validationError(parsed.error)
      const { q, sort } = parsed.data
      const live = liveTitles(registry)
      if (q !== undefined && q.trim() !== '') {
        // One more than shown, to know whether there are more.
        const hits = await store.search(q, { limit: SEARCH_LIMIT + 1, ...(grant.doc !== '*' && { ids: [grant.doc] }) })
        const docs = hits.slice(0, SEARCH_LIMIT).map((h) => toSummary(h.meta, live(h.meta.id), h.snippet))
        const body: DocListResponse = { docs: sortSummaries(docs, sort), ...(hits.length > SEARCH_LIMIT && { truncated: true }) }
        return c.json(body)
      }
      const docs = (await store.list()).filter((m) => grantCovers(grant, m.id)).map((m) => toSummary(m, live(m.id)))
      const body: DocListResponse = { docs: sortSummaries(docs, sort) }
      return c.json(body)
    })
    .post('/', async (c) => {
      // Who is asking before what they ask: no token is a 401 whatever the body.
      await identify(c, ctx)
      const { id: wanted } = await jsonBody(c, CreateBody)
      // An id of one's own needs editor on that id, so a token for one
      // document may create it (as its first write over WebSocket would);
      // a fresh id needs editor on all documents. Refused the same way
      // whether or not the id exists.
      await authorize(c, ctx, wanted ?? null, 'editor')
      let id: string
      if (wanted === undefined) id = await createFresh(ctx, Date.now())
      else {
        try {
          await store.create(wanted, Date.now())
        } catch (err) {
          if (err instanceof DocExistsError) throw new ApiError(409, 'conflict', 'a document with this id exists or was deleted')
          throw err
        }
        id = wanted
      }
      const body: CreateDocResponse = { id }
      return c.json(body, 201)
    })
    .route('/import', importRoutes(ctx))
    .get('/:id', async (c) => {
      const id = docIdParam(c)
      // Access first: without it the answer is the same 401/403 whether or not the id exists.
      await authorize(c, ctx, id, 'viewer')
      const meta = await store.meta(id)
      if (meta) return c.json(toSummary(meta, liveTitles(registry)(id)))
      if (await store.isDeleted(id)) throw new ApiError(410, 'not_found', `document ${id} was deleted`)
      throw new ApiError(404, 'not_found', `no document ${id}`)
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

function fileName(title: string): string {
  return title.replace(/[^A-Za-z0-9 _-]+/g, '').trim().replace(/\s+/g, '-').slice(0, 60) || 'document'
}

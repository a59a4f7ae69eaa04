/**
 * Version history over HTTP (issue 12): list, name, read and restore a
 * document's versions; rename or delete named ones.
 *
 * Restoring changes the live document as a new edit under a RestoreOrigin
 * (server/versions/restore.ts), after a `before-restore` version of what it
 * replaces. AI jobs running in the document on this instance are stopped
 * first: their text so far is part of what the restore replaces (and is in
 * the before-restore version), and a job writing on after the restore would
 * write into a document its prompt never saw.
 */
import { Hono, type Context } from 'hono'
import { compress } from 'hono/compress'
import { z } from 'zod'
import type { VersionListResponse } from '../../shared/apiTypes.ts'
import { DocumentDeletedError, type Room } from '../collab/room.ts'
import type { RestoreOrigin } from '../collab/origins.ts'
import type { ServerContext } from '../context.ts'
import { toHtmlDocument, toMarkdown, type PMNode } from '../export/index.ts'
import type { VersionMeta } from '../storage/types.ts'
import { VersionNotFoundError } from '../versions/history.ts'
import { authorize } from './authorize.ts'
import { ApiError } from './errors.ts'
import { docIdParam, jsonBody } from './validate.ts'

const NameBody = z.object({ name: z.string().trim().min(1).max(100) }).strict()
const FormatQuery = z.object({ format: z.enum(['json', 'md', 'html']).default('json') })
const VersionId = z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/)

function summary(v: VersionMeta) {
  return { id: v.id, createdAt: new Date(v.createdAt).toISOString(), kind: v.kind, name: v.name, authors: v.authors }
}

export function versionRoutes(ctx: ServerContext) {
  const history = ctx.versions

  const versionIdParam = (c: Context): string => {
    const parsed = VersionId.safeParse(c.req.param('versionId'))
    if (!parsed.success) throw new ApiError(400, 'bad_request', 'invalid version id')
    return parsed.data
  }

  const known = async (id: string): Promise<void> => {
    if (!(await ctx.store.meta(id)) && !ctx.registry.get(id)) throw new ApiError(404, 'not_found', `no document ${id}`)
  }

  /** Runs `fn` with the document's room loaded and held. */
  const withRoom = async <T>(id: string, fn: (room: Room) => Promise<T>): Promise<T> => {
    await known(id)
    const room = await ctx.registry.acquire(id).catch((err: unknown) => {
      if (err instanceof DocumentDeletedError) throw new ApiError(404, 'not_found', `no document ${id}`)
      throw err
    })
    const release = room.retain()
    try {
      return await fn(room)
    } finally {
      release()
    }
  }

  return new Hono()
    .get('/:id/versions', async (c) => {
      const id = docIdParam(c)
      await authorize(c, ctx, id, 'viewer')
      await known(id)
      const body: VersionListResponse = { versions: (await history.list(id)).map(summary) }
      return c.json(body)
    })
    .post('/:id/versions', async (c) => {
      const id = docIdParam(c)
      const grant = await authorize(c, ctx, id, 'editor')
      const { name } = await jsonBody(c, NameBody)
      const meta = await withRoom(id, (room) => history.take(id, room.fragment, 'named', { name, authors: [grant.name] }))
      return c.json({ id: meta!.id }, 201)
    })
    // A version is the whole document: gzip'd it is a third of its JSON (above 1 KiB; SSE never passes here).
    .get('/:id/versions/:versionId', compress(), async (c) => {
      const id = docIdParam(c)
      await authorize(c, ctx, id, 'viewer')
      const versionId = versionIdParam(c)
      const parsed = FormatQuery.safeParse({ format: c.req.query('format') })
      if (!parsed.success) throw new ApiError(400, 'bad_request', 'format must be one of json, md, html')
      const found = await history.content(id, versionId)
      if (!found) throw new ApiError(404, 'not_found', `no version ${versionId} of ${id}`)
      c.header('Cache-Control', 'no-store')
      const doc = found.content.doc as PMNode
      if (parsed.data.format === 'md') return c.body(toMarkdown(doc), 200, { 'Content-Type': 'text/markdown; charset=utf-8' })
      if (parsed.data.format === 'html') return c.body(toHtmlDocument(doc, found.meta.name ?? 'Version'), 200, { 'Content-Type': 'text/html; charset=utf-8' })
      return c.json({ version: summary(found.meta), doc })
    })
    .post('/:id/versions/:versionId/restore', async (c) => {
      const id = docIdParam(c)
      const grant = await authorize(c, ctx, id, 'editor')
      const versionId = versionIdParam(c)
      const result = await withRoom(id, async (room) => {
        // Stop the document's AI jobs everywhere; each live instance answers
        // once what they wrote is stored, then this room reads from the store
        // whatever it has not yet heard over the bus (alone, it has it all),
        // so the restore replaces their words instead of racing them.
        await ctx.restoringLive(id)
        await room.catchUp()
        const origin: RestoreOrigin = Object.freeze({ kind: 'restore', versionId, by: grant.name })
        try {
          return await history.restore(id, room.doc, room.fragment, versionId, origin, [grant.name])
        } catch (err) {
          if (err instanceof VersionNotFoundError) throw new ApiError(404, 'not_found', err.message)
          throw err
        }
      })
      return c.json({ restoredFrom: result.restoredFrom, backupVersionId: result.backupVersionId })
    })
    .patch('/:id/versions/:versionId', async (c) => {
      const id = docIdParam(c)
      // Naming a version keeps it (an editor's call, like naming the current
      // state); renaming one someone named is its owner's.
      await authorize(c, ctx, id, 'editor')
      const versionId = versionIdParam(c)
      const { name } = await jsonBody(c, NameBody)
      const version = (await history.list(id)).find((v) => v.id === versionId)
      if (!version) throw new ApiError(404, 'not_found', `no version ${versionId} of ${id}`)
      if (version.kind === 'named') await authorize(c, ctx, id, 'owner')
      const named = await ctx.store.nameVersion(id, versionId, name)
      if (!named) throw new ApiError(404, 'not_found', `no version ${versionId} of ${id}`)
      return c.json(summary(named))
    })
    .delete('/:id/versions/:versionId', async (c) => {
      const id = docIdParam(c)
      await authorize(c, ctx, id, 'owner')
      const versionId = versionIdParam(c)
      const version = (await history.list(id)).find((v) => v.id === versionId)
      if (!version) throw new ApiError(404, 'not_found', `no version ${versionId} of ${id}`)
      // Automatic versions follow the retention policy; only a named one is someone's to delete.
      if (version.kind !== 'named') throw new ApiError(409, 'conflict', 'only named versions can be deleted; automatic ones follow the retention policy')
      await ctx.store.deleteVersions(id, [versionId])
      return c.body(null, 204)
    })
}

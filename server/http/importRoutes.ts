/**
 * `POST /api/docs/import`: a Markdown or HTML file's text becomes a new
 * document. The body is JSON (`ImportDocRequest`), so it passes the API's
 * one body limit (MAX_BODY_BYTES, 413 JSON beyond it) like any request. A
 * file that is not text (a binary file renamed `.md`) is refused with 400
 * JSON saying so, instead of becoming a document of garbage.
 *
 * The content is written as one Yjs update into the new record before the
 * answer, so the editor that opens it next loads it like any stored
 * document; the summary is stored too, so the import is found by search at
 * once.
 */
import { Hono } from 'hono'
import { z } from 'zod'
import * as Y from 'yjs'
import { prosemirrorJSONToYXmlFragment } from '@tiptap/y-tiptap'
import { newDocId } from '../../shared/docId.ts'
import { DOC_FIELD, documentSchema } from '../../shared/editorSchema.ts'
import type { CreateDocResponse } from '../../shared/apiTypes.ts'
import { summarize } from '../collab/roomSummary.ts'
import type { ServerContext } from '../context.ts'
import { DocExistsError } from '../storage/types.ts'
import { authorize } from './authorize.ts'
import { ApiError } from './errors.ts'
import { jsonBody } from './validate.ts'

const ImportBody = z
  .object({
    format: z.enum(['md', 'html']),
    name: z.string().max(255).optional(),
    text: z.string(),
    by: z.string().trim().min(1).max(64).optional(),
  })
  .strict()

export function importRoutes(ctx: ServerContext) {
  const schema = documentSchema()
  return new Hono().post('/', async (c) => {
    const grant = await authorize(c, ctx, null, 'editor')
    const body = await jsonBody(c, ImportBody)
    // Loaded on first use: the HTML reader brings a DOM (happy-dom), which
    // would add about half a second to every server start.
    const { importDocument, notText } = await import('../import/index.ts')
    const binary = notText(body.text)
    if (binary) throw new ApiError(400, 'bad_request', `${body.name ? `“${body.name}”` : 'The file'} can't be imported: ${binary}. Choose a Markdown (.md) or HTML (.html) file.`)
    const doc = new Y.Doc()
    const fragment = doc.getXmlFragment(DOC_FIELD)
    prosemirrorJSONToYXmlFragment(schema, importDocument(body.format, body.text), fragment)
    const update = Y.encodeStateAsUpdate(doc)
    if (update.byteLength > ctx.config.maxDocBytes) throw new ApiError(413, 'payload_too_large', `the imported document would exceed ${ctx.config.maxDocBytes} bytes`)
    // With tokens the token's name; without, the name the person gave themselves, as their edits are credited.
    const summary = summarize(doc, fragment, ctx.access.open ? (body.by ?? null) : grant.name)
    summary.title ||= fileTitle(body.name)
    doc.destroy()
    const id = await createFresh(ctx, Date.now())
    await ctx.store.append(id, update, Date.now())
    await ctx.store.setSummary(id, summary)
    const answer: CreateDocResponse = { id }
    return c.json(answer, 201)
  })
}

/** Create a record under a fresh id (a clash is next to impossible, and retried). */
export async function createFresh(ctx: ServerContext, now: number): Promise<string> {
  for (let attempt = 0; ; attempt++) {
    const id = newDocId()
    try {
      await ctx.store.create(id, now)
      return id
    } catch (err) {
      if (!(err instanceof DocExistsError) || attempt >= 3) throw err
    }
  }
}

/** "Q3 plan.md" → "Q3 plan". */
function fileTitle(name: string | undefined): string {
  return (name ?? '').replace(/\.[A-Za-z0-9]{1,10}$/, '').replace(/[\u0000-\u001f\u007f]+/g, ' ').trim().slice(0, 120)
}

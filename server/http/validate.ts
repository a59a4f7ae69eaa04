import type { Context } from 'hono'
import type { z } from 'zod'
import { isValidDocId, DOC_ID_RULE } from '../../shared/docId.ts'
import { ApiError, validationError } from './errors.ts'

/** Parse a JSON body against a schema; malformed JSON and wrong shapes are 400s. */
export async function jsonBody<S extends z.ZodType>(c: Context, schema: S): Promise<z.infer<S>> {
  let raw: unknown
  const text = await c.req.text()
  if (text.trim() === '') raw = {}
  else {
    try {
      raw = JSON.parse(text)
    } catch {
      throw new ApiError(400, 'bad_request', 'request body is not valid JSON')
    }
  }
  const parsed = schema.safeParse(raw)
  if (!parsed.success) throw validationError(parsed.error)
  return parsed.data
}

export function docIdParam(c: Context, name = 'id'): string {
  const id = c.req.param(name)
  if (!isValidDocId(id)) throw new ApiError(400, 'invalid_doc_id', `invalid document id: must be ${DOC_ID_RULE}`)
  return id
}

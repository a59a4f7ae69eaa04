/**
 * Files people bring in (`.md`, `.html`) → a document of the editor schema.
 *
 * Markdown goes through the same conversion as the AI writer and the editor's
 * paste (shared/markdown), so there is one Markdown reading in the product.
 * HTML is read with the schema's own parse rules in an isolated DOM
 * (html.ts). Both are linear in the input; the route caps its size.
 */
import type { JSONContent } from '@tiptap/core'
import { documentSchema } from '../../shared/editorSchema.ts'
import { markdownToBlocks } from '../../shared/markdown/index.ts'
import { htmlToDoc } from './html.ts'

export type ImportFormat = 'md' | 'html'

const schema = documentSchema()

const EMPTY: JSONContent = { type: 'doc', content: [{ type: 'paragraph' }] }

function markdownDoc(text: string): JSONContent {
  const blocks = markdownToBlocks(text, schema)
  return blocks.length > 0 ? { type: 'doc', content: blocks } : EMPTY
}

/** A `doc` node, valid in the schema; never throws on any input text. */
export function importDocument(format: ImportFormat, text: string): JSONContent {
  try {
    if (format === 'md') return markdownDoc(text)
    // Should the parse rules ever fail, the file's words still arrive, as text.
    return htmlToDoc(text, schema) ?? markdownDoc(text.replace(/<[^>]*>/g, ' ').replace(/[\\`*_[\]#|<>~]/g, ''))
  } catch {
    return structuredClone(EMPTY)
  }
}

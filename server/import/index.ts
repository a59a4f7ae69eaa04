/**
 * Files people bring in (`.md`, `.html`) → a document of the editor schema.
 *
 * Markdown goes through the same conversion as the AI writer and the editor's
 * paste (shared/markdown), so there is one Markdown reading in the product.
 */
import type { JSONContent } from '@tiptap/core'
import { documentSchema } from '../../shared/editorSchema.ts'
import { markdownToBlocks } from '../../shared/markdown/index.ts'

export type ImportFormat = 'md' | 'html'

const schema = documentSchema()

/** A `doc` node, valid in the schema; never throws on any input text. */
export function importDocument(format: ImportFormat, text: string): JSONContent {
  // TODO(html): parse HTML with the schema's own parse rules (in progress).
  const blocks = format === 'md' ? markdownToBlocks(text, schema) : markdownToBlocks(text.replace(/<[^>]*>/g, ' '), schema)
  return { type: 'doc', content: blocks.length > 0 ? blocks : [{ type: 'paragraph' }] }
}

/**
 * Files people bring in (`.md`, `.html`) → a document of the editor schema.
 *
 * Markdown goes through the same conversion as the AI writer and the editor's
 * paste (shared/markdown), so there is one Markdown reading in the product.
 * HTML is read with the schema's own parse rules in an isolated DOM
 * (html.ts). Both are linear in the input; the route caps its size.
 *
 * The text is taken as a person would mean it: a byte order mark goes, and
 * so do control characters, which no editor shows; a `.md` file that is in
 * fact an HTML page is read as HTML, and a `.html` file without a single
 * tag as Markdown (its lines then stay lines). A file that is not text at
 * all is for the route to refuse (`notText`).
 */
import type { JSONContent } from '@tiptap/core'
import { documentSchema } from '../../shared/editorSchema.ts'
import { markdownToBlocks } from '../../shared/markdown/index.ts'
import { htmlToDoc } from './html.ts'

export type ImportFormat = 'md' | 'html'

const schema = documentSchema()

const EMPTY: JSONContent = { type: 'doc', content: [{ type: 'paragraph' }] }

// C0 controls but tab, line feed and carriage return; DEL; C1 controls.
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/g

/**
 * Why this text cannot be a Markdown or HTML file, or null when it can: a
 * NUL byte, or more than one character in a hundred that is a control
 * character or U+FFFD (what a browser's `file.text()` makes of bytes that
 * are not UTF-8), is a binary file (an image, a PDF, a zip) renamed.
 */
export function notText(text: string): string | null {
  if (text.includes('\u0000')) return 'it contains NUL bytes'
  const sample = text.slice(0, 64 * 1024)
  const odd = sample.match(/[\u0001-\u0008\u000e-\u001f\ufffd]/g)?.length ?? 0
  return odd > Math.max(2, sample.length / 100) ? 'it is not UTF-8 text' : null
}

function markdownDoc(text: string): JSONContent {
  const blocks = markdownToBlocks(text, schema)
  return blocks.length > 0 ? { type: 'doc', content: blocks } : EMPTY
}

/** The format the text is in, whatever its file's name said. */
function sniff(format: ImportFormat, text: string): ImportFormat {
  if (format === 'md' && /^\s*(?:<!doctype\s+html|<html[\s>])/i.test(text)) return 'html'
  if (format === 'html' && !/<[A-Za-z!/]/.test(text)) return 'md'
  return format
}

/** A `doc` node, valid in the schema; never throws on any input text. */
export function importDocument(format: ImportFormat, text: string): JSONContent {
  try {
    const clean = text.replace(/^\uFEFF/, '').replace(CONTROL, '')
    if (sniff(format, clean) === 'md') return markdownDoc(clean)
    // Should the parse rules ever fail, the file's words still arrive, as text.
    return htmlToDoc(clean, schema) ?? markdownDoc(clean.replace(/<[^>]*>/g, ' ').replace(/[\\`*_[\]#|<>~]/g, ''))
  } catch {
    return structuredClone(EMPTY)
  }
}

/** Document helpers for load-generator clients. */
import { createHash } from 'node:crypto'
import * as Y from 'yjs'

/**
 * Tiptap's field, as in shared/editorSchema.ts. Not imported from there:
 * that module loads Tiptap, which the load-generator processes do not need.
 */
export const DOC_FIELD = 'default'

/** Plain text of a node (an XmlElement's text, recursively). */
export function nodeText(node: unknown): string {
  if (node instanceof Y.XmlText) {
    return (node.toDelta() as { insert?: unknown }[]).map((op) => (typeof op.insert === 'string' ? op.insert : '')).join('')
  }
  if (node instanceof Y.XmlElement || node instanceof Y.XmlFragment) return node.toArray().map(nodeText).join('\n')
  return ''
}

export function docText(doc: Y.Doc): string {
  return nodeText(doc.getXmlFragment(DOC_FIELD))
}

export function sha1(text: string): string {
  return createHash('sha1').update(text).digest('hex')
}

export function paragraph(text: string): Y.XmlElement {
  const p = new Y.XmlElement('paragraph')
  p.insert(0, [new Y.XmlText(text)])
  return p
}

/** The XmlText of top-level paragraph `index` (created by `paragraph()`). */
export function paragraphText(doc: Y.Doc, index: number): Y.XmlText {
  const p = doc.getXmlFragment(DOC_FIELD).get(index)
  if (!(p instanceof Y.XmlElement)) throw new Error(`no paragraph ${index}`)
  const t = p.get(0)
  if (!(t instanceof Y.XmlText)) throw new Error(`paragraph ${index} has no text`)
  return t
}

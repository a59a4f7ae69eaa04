/**
 * The edits of the cold-load history (bench/workers/cold.ts), shared with the
 * version-history benchmark (bench/versions.ts) so both time the same kind
 * of document: 1–6 characters typed at a random place, 10% deletions of 1–3
 * characters, 1% new paragraphs, each edit one transaction.
 */
import * as Y from 'yjs'
import { DOC_FIELD, paragraph } from './ydoc.ts'

/** A seeded generator (mulberry32): the same seed builds the same history. */
export { rng } from '../../tests/support/wait.ts'

const WORDS = 'lorem ipsum dolor sit amet consectetur adipiscing elit '

/** Where edits go: top-level paragraphs `from` to `from + count - 1` (clamped to the document). */
export interface EditRange {
  from: number
  count: number
}

/**
 * One edit at a random place of `doc`'s top-level paragraphs (made by
 * `paragraph()`), or of the paragraphs in `within` (a person working on one
 * section).
 */
export function edit(doc: Y.Doc, r: () => number, within?: EditRange): void {
  const frag = doc.getXmlFragment(DOC_FIELD)
  const from = within ? Math.min(within.from, Math.max(0, frag.length - 1)) : 0
  const count = within ? Math.min(within.count, frag.length - from) : frag.length
  doc.transact(() => {
    if (frag.length === 0 || r() < 0.01) {
      frag.insert(from + Math.floor(r() * (count + 1)), [paragraph('')])
      return
    }
    const text = (frag.get(from + Math.floor(r() * count)) as Y.XmlElement).get(0) as Y.XmlText
    if (text.length > 5 && r() < 0.1) {
      text.delete(Math.floor(r() * (text.length - 3)), 1 + Math.floor(r() * 3))
      return
    }
    const at = Math.floor(r() * (WORDS.length - 6))
    text.insert(Math.floor(r() * (text.length + 1)), WORDS.slice(at, at + 1 + Math.floor(r() * 6)))
  })
}

import type { JSONContent } from '@tiptap/core'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { documentSchema } from '../../shared/editorSchema.ts'
import { markdownToBlocks } from '../../shared/markdown/index.ts'

const schema = documentSchema()

/** Pieces of markdown syntax (and things that look like it) to build nasty inputs from. */
const MARKDOWNISH_PIECES = [
  '#', '## ', '###### ', '- ', '* ', '+ ', '1. ', '7) ', '> ', '>', '```', '```js\n', '~~~', '`', '``',
  '**', '*', '_', '__', '~~', '~', '[', ']', '(', ')', '](', '![', '<', '>', '<b>', '</b>', '<div>', '<br>',
  '<!--', '-->', '|', '|---|', ':-:', '---', '***', '===', '\n', '\n\n', '  \n', '\\', '\\\n', '&amp;', '&#',
  '&#x1F600;', '&copy', '    ', '\t', 'a', 'word ', 'Two words', 'http://x.y', 'www.z.io', '[x]: /u', '[x]',
  '- [ ] ', '- [x] ', '\r\n', '😀', 'é', '\u0000', '\u200b', ' ',
  // Tables, task lists and the inline tags that carry underline and highlight.
  '| a | b |\n', '|---|:-:|\n', '| x |\n', '| `c\\|` | **b** |\n', '  - [ ] ', '1. [x] ', '<u>', '</u>', '<mark>', '</mark>',
]

const markdownish = fc.array(fc.constantFrom(...MARKDOWNISH_PIECES), { maxLength: 40 }).map((parts) => parts.join(''))

function assertValid(blocks: JSONContent[]): void {
  const doc = schema.nodeFromJSON({ type: 'doc', content: blocks.length > 0 ? blocks : [{ type: 'paragraph' }] })
  doc.check()
  // Canonical: what ProseMirror would serialise back (marks ordered, text joined).
  expect(blocks.length > 0 ? (doc.toJSON() as JSONContent).content : []).toEqual(blocks)
}

describe('markdownToBlocks always yields schema-valid, canonical blocks', () => {
  it('for random strings', () => {
    fc.assert(fc.property(fc.string({ maxLength: 200 }), (s) => assertValid(markdownToBlocks(s, schema))), { numRuns: 300 })
  })

  it('for random full-unicode strings', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 100 }), (s) => assertValid(markdownToBlocks(s, schema))), { numRuns: 300 })
  })

  it('for random markdown-ish strings', () => {
    fc.assert(fc.property(markdownish, (s) => assertValid(markdownToBlocks(s, schema))), { numRuns: 2000 })
  })
})

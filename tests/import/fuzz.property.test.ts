/**
 * Hostile Markdown-ish and HTML-ish text through both readings: never a
 * throw, always a schema-valid document, never a link outside http, https
 * and mailto (however the scheme is spelled or encoded).
 */
import type { JSONContent } from '@tiptap/core'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { documentSchema } from '../../shared/editorSchema.ts'
import { markdownToBlocks } from '../../shared/markdown/index.ts'
import { importDocument } from '../../server/import/index.ts'

const schema = documentSchema()

const PIECES = [
  '|', '| a | b |\n', '|---|---|\n', ':-:', '-', '- ', '* ', '1. ', '- [ ] ', '- [x] ', '[ ]', '[x]', '  ', '#', '## ', '`', '```\n',
  '<u>', '</u>', '<mark>', '</mark>', '<script>globalThis.__fuzzPwned=1</script>', '<img src=x onerror="globalThis.__fuzzPwned=2">',
  'javascript:alert(1)', '[a](javascript:alert(1))', '[b](JaVaScRiPt:x)', '<a href="javascript:alert(1)">x</a>',
  '<a href="&#106;avascript:alert(1)">y</a>', '[c](&#106;avascript:alert(1))', '<a href="java\tscript:z">t</a>',
  '[d](data:text/html,<b>x</b>)', '<a href="data:text/html;base64,PHNjcmlwdD4=">d</a>', '<a href="https://ok.example">ok</a>',
  '[m](mailto:a@b.c)', '<https://auto.example>', '[r](/relative)', '<a href="//evil.example">e</a>', '<a href=" vbscript:x">v</a>',
  '<table><tr><th>h</th></tr><tr><td>c</td></tr></table>', '<ul data-type="taskList"><li data-type="taskItem" data-checked="true">', '</li></ul>',
  '<td>', '</td>', '<tr>', '<li>', '<p>', '</p>', '<br>', '<div>', '&amp;', '&#x6A;', '&lt;', '\n', '\n\n', 'word ', 'é', '😀', '\u0000',
]
const hostile = fc.array(fc.constantFrom(...PIECES), { maxLength: 30 }).map((parts) => parts.join(''))

const SAFE = /^(?:https?:\/\/[^/?#\s]|mailto:)/i

function hrefs(node: JSONContent): string[] {
  const own = (node.marks ?? []).filter((m) => m.type === 'link').map((m) => String(m.attrs?.['href']))
  return [...own, ...(node.content ?? []).flatMap(hrefs)]
}

function assertSafeAndValid(doc: JSONContent): void {
  schema.nodeFromJSON(doc).check()
  for (const href of hrefs(doc)) expect(href).toMatch(SAFE)
}

describe('hostile input through both readings', () => {
  it('Markdown', () => {
    fc.assert(
      fc.property(hostile, (s) => assertSafeAndValid({ type: 'doc', content: [...markdownToBlocks(s, schema), { type: 'paragraph' }] })),
      { numRuns: 1500 },
    )
  })

  it('HTML', () => {
    fc.assert(fc.property(hostile, (s) => assertSafeAndValid(importDocument('html', s))), { numRuns: 300 })
    expect((globalThis as { __fuzzPwned?: number }).__fuzzPwned).toBeUndefined()
  })

  it('Markdown import of the same text', () => {
    fc.assert(fc.property(hostile, (s) => assertSafeAndValid(importDocument('md', s))), { numRuns: 300 })
  })
})

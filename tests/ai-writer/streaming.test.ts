import type { JSONContent } from '@tiptap/core'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { GOLDENS } from './goldens.ts'
import {
  AI_CLIENT,
  checkSchema,
  contentOf,
  docWith,
  expectedWrite,
  para,
  seeded,
  streamAll,
  textPosition,
  writerFor,
} from './helpers.ts'
import type { WriteTarget } from '../../server/ai/writer/index.ts'

const BEFORE: JSONContent[] = [para('Intro text.'), para(), para('Outro.')]

interface Case {
  readonly name: string
  readonly target: (doc: Y.Doc) => WriteTarget
  readonly where: Parameters<typeof expectedWrite>[2]
}

const CASES: readonly Case[] = [
  { name: 'empty paragraph', target: (d) => ({ kind: 'insert', at: textPosition(d, 1, 0) }), where: { inlineAt: 1, offset: 0 } },
  { name: 'end of a paragraph', target: (d) => ({ kind: 'insert', at: textPosition(d, 0, 11) }), where: { inlineAt: 0, offset: 11 } },
  { name: 'middle of a paragraph', target: (d) => ({ kind: 'insert', at: textPosition(d, 0, 6) }), where: { inlineAt: 0, offset: 6 } },
  { name: 'block after', target: (d) => ({ kind: 'blockAfter', at: textPosition(d, 2, 3) }), where: { afterIndex: 2 } },
]

/**
 * Streams `md` into a fresh document; records whether the writer ever deleted
 * content (characters or elements; Yjs itself removes redundant formatting
 * markers, which is not content).
 */
function run(md: string, c: Case, seed: number): { doc: Y.Doc; deletedSomething: boolean } {
  const doc = docWith(AI_CLIENT, BEFORE)
  const origin = { kind: 'ai' }
  let deletedSomething = false
  doc.on('afterTransaction', (tr: Y.Transaction) => {
    if (tr.origin !== origin) return
    Y.iterateDeletedStructs(tr, tr.deleteSet, (struct) => {
      if (struct instanceof Y.Item && struct.countable) deletedSomething = true
    })
  })
  const writer = writerFor(doc, c.target(doc), origin)
  streamAll(writer, md, seeded(seed), () => checkSchema(doc))
  return { doc, deletedSomething }
}

describe('streamed output equals the one-shot conversion', () => {
  for (const [name, md] of Object.entries(GOLDENS)) {
    for (const c of CASES) {
      it(`${name} into ${c.name}`, () => {
        for (let seed = 1; seed <= 5; seed++) {
          const { doc, deletedSomething } = run(md, c, seed * 7919)
          expect(contentOf(doc)).toEqual(expectedWrite(BEFORE, md, c.where))
          // The preview only ever grows or gains marks: no raw markdown was
          // ever shown that had to be taken back, and no element changed type.
          expect(deletedSomething).toBe(false)
        }
      })
    }
  }

  it('writes a one-token response the same as a many-token one', () => {
    const doc = docWith(AI_CLIENT, BEFORE)
    const writer = writerFor(doc, { kind: 'insert', at: textPosition(doc, 1, 0) })
    writer.push(GOLDENS.article ?? '')
    writer.finish()
    expect(contentOf(doc)).toEqual(expectedWrite(BEFORE, GOLDENS.article ?? '', { inlineAt: 1, offset: 0 }))
  })

  it('handles blocks that only reveal their type later (setext heading, table, html)', () => {
    const md = 'A title\n=======\n\nname | qty\n--- | ---\napple | 3\n\n<div>\n**raw** html\n</div>\n\nend *here*'
    for (let seed = 1; seed <= 10; seed++) {
      const { doc } = run(md, CASES[0] as Case, seed)
      expect(contentOf(doc)).toEqual(expectedWrite(BEFORE, md, { inlineAt: 1, offset: 0 }))
    }
  })

  it('normalises CRLF line endings split across tokens', () => {
    const doc = docWith(AI_CLIENT, BEFORE)
    const writer = writerFor(doc, { kind: 'blockAfter', at: textPosition(doc, 0, 0) })
    for (const chunk of ['# Head\r', '\nline\r', '\n\r\n- item\r', '\r\n']) {
      writer.push(chunk)
      writer.flush()
    }
    writer.finish()
    expect(contentOf(doc)).toEqual(expectedWrite(BEFORE, '# Head\nline\n\n- item\n\n', { afterIndex: 0 }))
  })

  it('shows nothing while the first line is still only a marker, then the right block type', () => {
    const doc = docWith(AI_CLIENT, BEFORE)
    const writer = writerFor(doc, { kind: 'insert', at: textPosition(doc, 1, 0) })
    const seen: string[] = []
    for (const chunk of ['#', '#', ' ', 'Ti', 'tle\n\n', '1', '.', ' ', 'one']) {
      writer.push(chunk)
      writer.flush()
      seen.push(contentOf(doc).map((b) => b.type).join(','))
    }
    expect(seen.slice(0, 3)).toEqual(Array(3).fill('paragraph,paragraph,paragraph'))
    // On the empty line: the blocks go before it (it stays after them).
    expect(seen[3]).toBe('paragraph,heading,paragraph,paragraph')
    expect(seen[6]).toBe('paragraph,heading,paragraph,paragraph')
    expect(seen[8]).toBe('paragraph,heading,orderedList,paragraph,paragraph')
  })

  it('formats emphasis in place when it closes', () => {
    const doc = docWith(AI_CLIENT, [para()])
    const writer = writerFor(doc, { kind: 'insert', at: textPosition(doc, 0, 0) })
    const states: JSONContent[][] = []
    for (const chunk of ['Say ', '**hel', 'lo**', ' there']) {
      writer.push(chunk)
      writer.flush()
      states.push(contentOf(doc))
    }
    expect(states).toEqual([
        [para('Say')],
        [para('Say')],
        [{ type: 'paragraph', content: [{ type: 'text', text: 'Say ' }, { type: 'text', text: 'hello', marks: [{ type: 'bold' }] }] }],
        [{ type: 'paragraph', content: [{ type: 'text', text: 'Say ' }, { type: 'text', text: 'hello', marks: [{ type: 'bold' }] }, { type: 'text', text: ' there' }] }],
    ])
  })
})

describe('attribute-only changes', () => {
  it('re-marks already written characters with format, without deleting them', () => {
    const doc = docWith(AI_CLIENT, [para()])
    const origin = { kind: 'ai' }
    let deleted = 0
    doc.on('afterTransaction', (tr: Y.Transaction) => {
      if (tr.origin === origin) Y.iterateDeletedStructs(tr, tr.deleteSet, (st) => void (st instanceof Y.Item && st.countable && deleted++))
    })
    const writer = writerFor(doc, { kind: 'insert', at: textPosition(doc, 0, 0) }, origin)
    writer.push('Visit www.exa')
    writer.flush()
    writer.push('mple.com today')
    writer.finish()
    const link = (href: string) => ({ type: 'link', attrs: { href, target: '_blank', rel: 'noopener noreferrer nofollow', class: null, title: null } })
    expect(contentOf(doc)).toEqual([
      { type: 'paragraph', content: [{ type: 'text', text: 'Visit ' }, { type: 'text', text: 'www.example.com', marks: [link('http://www.example.com')] }, { type: 'text', text: ' today' }] },
    ])
    expect(deleted).toBe(0)
  })
})

/** Markdown-ish input without reference links (a definition after its use cannot be streamed). */
const PIECES = [
  '#', '## ', '- ', '* ', '1. ', '4) ', '> ', '```', '```js\n', '~~~', '`', '**', '*', '_', '~~', '[', ']', '](',
  '(', ')', '![', '<', '>', '<b>', '<br>', '|', '|---|', '---', '===', '\n', '\n', '\n\n', '  \n', '\\', '&amp;',
  '&#', '    ', 'a', 'word ', 'Two words', 'http://x.y', '- [ ] ', '😀', ' ', '***', '___', '+ ', '\t', '<div>\n', '|a|b|\n',
  '| x | y |\n', '|---|---|\n', '| 1 |', '- [x] ', '  - [ ] ', '<u>', '</u>', '<mark>', '</mark>',
]
const markdownish = fc.array(fc.constantFrom(...PIECES), { maxLength: 50 }).map((parts) => parts.join(''))

describe('streaming property', () => {
  it('any markdown-ish text, split anywhere, ends as the one-shot conversion and stays schema-valid', () => {
    fc.assert(
      fc.property(markdownish, fc.integer({ min: 1, max: 1e9 }), fc.integer({ min: 0, max: CASES.length - 1 }), (md, seed, caseIndex) => {
        const c = CASES[caseIndex] as Case
        const { doc } = run(md, c, seed)
        expect(contentOf(doc)).toEqual(expectedWrite(BEFORE, md, c.where))
      }),
      { numRuns: 1000 },
    )
  })
})

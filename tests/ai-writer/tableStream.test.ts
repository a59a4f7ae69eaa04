/**
 * Tables and task lists streamed by the AI: the result equals the one-shot
 * conversion wherever the text is split, and no flush ever shows raw table
 * pipes or task brackets in the shared document.
 */
import type { JSONContent } from '@tiptap/core'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { GOLDENS } from './goldens.ts'
import { visibleTexts } from './inspect.ts'
import { AI_CLIENT, checkSchema, contentOf, docWith, expectedWrite, fragmentOf, para, randomChunks, seeded, textPosition, writerFor } from './helpers.ts'

const MD = GOLDENS.tablesAndTasks as string
const BEFORE: JSONContent[] = [para('Intro.'), para()]
const WHERE = { inlineAt: 1, offset: 0 }

function freshWriter(): { doc: Y.Doc; writer: ReturnType<typeof writerFor> } {
  const doc = docWith(AI_CLIENT, BEFORE)
  return { doc, writer: writerFor(doc, { kind: 'insert', at: textPosition(doc, 1, 0) }) }
}

describe('streaming tables and task lists', () => {
  it('ends as the one-shot conversion for every split into two chunks', () => {
    const expected = expectedWrite(BEFORE, MD, WHERE)
    for (let i = 1; i < MD.length; i++) {
      const { doc, writer } = freshWriter()
      writer.push(MD.slice(0, i))
      writer.flush()
      checkSchema(doc)
      writer.push(MD.slice(i))
      writer.finish()
      expect(contentOf(doc), `split at ${i}`).toEqual(expected)
    }
  })

  it('ends as the one-shot conversion for random multi-chunk splits, flushing after every chunk', () => {
    const expected = expectedWrite(BEFORE, MD, WHERE)
    for (let seed = 1; seed <= 60; seed++) {
      const { doc, writer } = freshWriter()
      for (const chunk of randomChunks(MD, seeded(seed), 1 + (seed % 9))) {
        writer.push(chunk)
        writer.flush()
        checkSchema(doc)
      }
      writer.finish()
      expect(contentOf(doc), `seed ${seed}`).toEqual(expected)
    }
  })

  it('never shows table pipes or task brackets as text, at any flush', () => {
    expect(visibleTexts(docWith(AI_CLIENT, expectedWrite(BEFORE, MD, WHERE))).join('')).not.toMatch(/\||\[[ xX]?\]?/)
    const { doc, writer } = freshWriter()
    for (let i = 0; i < MD.length; i++) {
      writer.push(MD[i] as string)
      writer.flush()
      for (const text of visibleTexts(doc)) expect(text, `after ${JSON.stringify(MD.slice(0, i + 1))}`).not.toMatch(/\||\[[ xX]?\]?/)
    }
    writer.finish()
  })

  it('shows the table once its delimiter row is complete, and each row when its line is', () => {
    const { doc, writer } = freshWriter()
    const rows = (): number[] =>
      contentOf(doc)
        .filter((b) => b.type === 'table')
        .map((t) => t.content?.length ?? 0)
    const steps: Array<[string, number[]]> = [
      ['| a | b |\n', []],
      ['|---|', []],
      ['---|\n', [1]],
      ['| 1 | 2', [1]],
      [' |\n', [2]],
      ['| 3 |', [2]],
      ['\n\nafter', [3]],
    ]
    for (const [chunk, expected] of steps) {
      writer.push(chunk)
      writer.flush()
      expect(rows(), JSON.stringify(chunk)).toEqual(expected)
    }
  })

  it('streams prose with a pipe in it word by word, never taking text back', () => {
    const doc = docWith(AI_CLIENT, BEFORE)
    const origin = { kind: 'ai' }
    let deleted = 0
    doc.on('afterTransaction', (tr: Y.Transaction) => {
      if (tr.origin === origin) Y.iterateDeletedStructs(tr, tr.deleteSet, (st) => void (st instanceof Y.Item && st.countable && deleted++))
    })
    const writer = writerFor(doc, { kind: 'insert', at: textPosition(doc, 1, 0) }, origin)
    const shown: string[] = []
    for (const chunk of ['Use ', '`ls ', '| grep', ' x` to ', 'filter, or a | b', ' too.', '\n\nNext.']) {
      writer.push(chunk)
      writer.flush()
      shown.push(visibleTexts(doc).join('/'))
    }
    writer.finish()
    expect(deleted).toBe(0)
    expect(shown[2]).toContain('Use')
    expect(shown[5]).toContain('filter, or a | b too.')
  })

  it('property: random tables and task lists, split anywhere, never show their syntax and end as the one-shot conversion', () => {
    const word = fc.constantFrom('a', 'apple', '**b**', '_i_', '3', '[l](https://l.example)', '<u>u</u>', '')
    const row = (n: number) => fc.array(word, { minLength: n, maxLength: n }).map((cells) => `| ${cells.join(' | ')} |`)
    const table = fc.integer({ min: 1, max: 4 }).chain((n) =>
      fc.tuple(row(n), fc.array(row(n), { maxLength: 4 })).map(([head, rows]) => [head, `|${' --- |'.repeat(n)}`, ...rows].join('\n')),
    )
    const task = fc.tuple(fc.boolean(), fc.constantFrom('todo', 'done *now*', 'see [x](https://x.example)'), fc.boolean()).map(([checked, text, nested]) => `- [${checked ? 'x' : ' '}] ${text}${nested ? '\n  - [ ] sub' : ''}`)
    const answer = fc.tuple(fc.constantFrom('', 'Intro words.\n\n'), table, fc.array(task, { maxLength: 3 })).map(([intro, t, tasks]) => `${intro}${t}${tasks.length > 0 ? '\n\n' + tasks.join('\n') : ''}`)
    fc.assert(
      fc.property(answer, fc.integer({ min: 1, max: 1e9 }), (md, seed) => {
        const { doc, writer } = freshWriter()
        for (const chunk of randomChunks(md, seeded(seed), 5)) {
          writer.push(chunk)
          writer.flush()
          for (const text of visibleTexts(doc)) expect(text).not.toMatch(/\||\[[ xX]?\]?/)
        }
        writer.finish()
        expect(contentOf(doc)).toEqual(expectedWrite(BEFORE, md, WHERE))
      }),
      { numRuns: 300 },
    )
  })
})

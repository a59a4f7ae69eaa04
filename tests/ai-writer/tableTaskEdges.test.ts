/**
 * Tables, task lists and links at the awkward edges of streaming: tables
 * whose header is longer than their rows, escaped pipes and pipes in code,
 * a table with a paragraph right under it, lines that look like a table and
 * are not, tasks nested in bullets, links split anywhere, unsafe and
 * reference-style links, an answer cut off anywhere (Stop, an error, the
 * token limit), and "continue writing" from a table cell or a task item.
 */
import type { JSONContent } from '@tiptap/core'
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { markdownToBlocks } from '../../shared/markdown/index.ts'
import { jobUndoManager } from '../../server/ai/jobUndo.ts'
import { AI_CLIENT, canonical, checkSchema, contentOf, docWith, expectedWrite, fragmentOf, Network, para, randInt, randomChunks, schema, seeded, textPosition, writerFor } from './helpers.ts'
import { allTexts, browserClientId, converged, visibleTexts } from './inspect.ts'

const BEFORE: JSONContent[] = [para('Intro.'), para()]
const WHERE = { inlineAt: 1, offset: 0 }

function hrefs(content: JSONContent[]): string[] {
  return JSON.stringify(content).match(/"href":"[^"]*"/g) ?? []
}

/** Table pipes, task brackets, link syntax. */
const SYNTAX = /\||\[[ xX]?\]|\]\(|\]\[/

interface Answer {
  readonly md: string
  /** What may show as text in the end (it is the content, not syntax); by default nothing of SYNTAX. */
  readonly literal?: RegExp
}

const ANSWERS: Readonly<Record<string, Answer>> = {
  'a header longer than its rows': { md: '| Name | Quantity | Price | Notes |\n|---|:-:|--:|---|\n| apple |\n| pear | 2 |\n| plum | 3 | 1.50 | ripe | extra |\n\nAfter.' },
  'escaped pipes and pipes in code': { md: '| Command | Meaning |\n|---|---|\n| `a \\| b` | pipe \\| in text |\n| `grep x` | **find** |\n\nDone.', literal: /\|/ },
  'a paragraph right under the table (GFM: its last row)': { md: '| a | b |\n|---|---|\n| 1 | 2 |\nThis line has no pipes.\n\nNext.' },
  'a pipe line that is not a table': { md: '| just a line with pipes\nand more text\n\nNext.', literal: /\|/ },
  'a header-like line without a delimiter row': { md: '| a | b |\nno delimiter here\n\n- [ ] a task', literal: /\|/ },
  'task lists nested in bullets, with links and bold': {
    md: '- bullet one\n  - [ ] nested task with [a link](https://l.example/x_y) and **bold**\n  - [x] done **bold** [l2](https://l2.example)\n- bullet two\n\nEnd.',
  },
  'task items with links and bold': { md: '- [ ] see [the docs](https://docs.example/a_b) **now**\n- [x] ~~old~~ [x](https://x.example)\n  - [ ] sub [y](https://y.example "Y")' },
  'reference-style links': { md: 'See [the guide][g] and [other] too.\n\n- [ ] read [the guide][g]\n\n[g]: https://guide.example\n[other]: https://other.example "Other"\n\nAfter.' },
  'reference-style links in a table': { md: '| a | b |\n|---|---|\n| [g][g] | x |\n\n[g]: https://g.example' },
  'unsafe link targets': {
    md: 'Click [here](javascript:alert(1)) or [there](JaVaScRiPt:alert(2)) and [ok](https://ok.example).\n\n| a | [b](javascript:x) |\n|---|---|\n| [c](data:text/html,x) | d |\n\n- [ ] [t](vbscript:x)',
  },
}

function fresh(): { doc: Y.Doc; writer: ReturnType<typeof writerFor> } {
  const doc = docWith(AI_CLIENT, BEFORE)
  return { doc, writer: writerFor(doc, { kind: 'insert', at: textPosition(doc, 1, 0) }) }
}

describe('awkward answers end as the one-shot reading, split anywhere', () => {
  for (const [name, { md, literal }] of Object.entries(ANSWERS)) {
    it(name, () => {
      const expected = expectedWrite(BEFORE, md, WHERE)
      // The syntax never stays as text (unless it is the answer's content).
      if (literal === undefined) expect(visibleTexts(docWith(AI_CLIENT, expected)).join('\n')).not.toMatch(SYNTAX)
      for (let i = 1; i < md.length; i++) {
        const { doc, writer } = fresh()
        writer.push(md.slice(0, i))
        writer.flush()
        checkSchema(doc)
        writer.push(md.slice(i))
        writer.finish()
        expect(contentOf(doc), `split at ${i}: ${JSON.stringify(md.slice(0, i))}`).toEqual(expected)
      }
      // One character at a time: the same, and no flush shows the syntax as text.
      const { doc, writer } = fresh()
      for (let i = 0; i < md.length; i++) {
        writer.push(md[i] as string)
        writer.flush()
        if (literal !== undefined || name.startsWith('reference')) continue
        for (const text of visibleTexts(doc)) expect(text, `after ${JSON.stringify(md.slice(0, i + 1))}`).not.toMatch(SYNTAX)
      }
      writer.finish()
      expect(contentOf(doc)).toEqual(expected)
    })
  }

  it('unsafe targets lose the link and keep the words', () => {
    const md = (ANSWERS['unsafe link targets'] as Answer).md
    const content = expectedWrite(BEFORE, md, WHERE)
    expect(hrefs(content)).toEqual(['"href":"https://ok.example"'])
    expect(visibleTexts(docWith(AI_CLIENT, content)).join(' ')).toMatch(/Click here or there and ok\..*a b c d t$/)
  })

  it('a reference link becomes a link when its definition arrives, after its block was completed', () => {
    const { doc, writer } = fresh()
    writer.push('See [the guide][g] now.\n\nMore.\n\n')
    writer.flush()
    expect(hrefs(contentOf(doc))).toEqual([])
    writer.push('[g]: https://guide.example\n\nEnd.')
    writer.flush()
    expect(hrefs(contentOf(doc))).toEqual(['"href":"https://guide.example"'])
    expect(visibleTexts(doc)).toContain('See the guide now.')
  })
})

describe('an answer cut off anywhere (Stop, an error, the token limit)', () => {
  const MD = 'Intro words.\n\n| Name | Link |\n|---|:-:|\n| apple **ripe** | [site](https://a.example) |\n| `a \\| b` | pear |\n\n- [ ] task [l](https://l.example)\n  - [x] done **now**\n\nEnd *here*.'
  it('keeps exactly what the last flush showed: no half header, half row, pipe or bracket', () => {
    for (let i = 1; i <= MD.length; i++) {
      const { doc, writer } = fresh()
      for (const chunk of MD.slice(0, i).match(/[\s\S]{1,7}/g) ?? []) {
        writer.push(chunk)
        writer.flush()
      }
      const shown = contentOf(doc)
      writer.finish('cutOff')
      checkSchema(doc)
      const prefix = JSON.stringify(MD.slice(0, i))
      expect(contentOf(doc), prefix).toEqual(shown)
      // The one escaped pipe is the cell's content.
      for (const text of visibleTexts(doc)) if (text !== 'a | b') expect(text, prefix).not.toMatch(/\||\[|\]|\*\*|`/)
    }
  })

  it('a cut-off stream never flushed since its last text still keeps only whole rows', () => {
    const { doc, writer } = fresh()
    writer.push('| a | b |\n|---|---|\n| 1 | 2 |\n| 3 | [fo')
    writer.finish('cutOff')
    const table = contentOf(doc).find((b) => b.type === 'table')
    expect(table?.content).toHaveLength(2)
    expect(visibleTexts(doc).join('')).not.toMatch(/[|[]/)
  })

  it('a completed answer is still read whole, even when it ends inside a header line', () => {
    const { doc, writer } = fresh()
    writer.push('Words.\n\n| a | b |')
    writer.finish()
    expect(contentOf(doc)).toEqual(expectedWrite(BEFORE, 'Words.\n\n| a | b |', WHERE))
  })
})

const TABLE = markdownToBlocks('| Name | Qty |\n|---|---|\n| apple | 3 |\n| fig | 9 |', schema)[0] as JSONContent
const TASKS = markdownToBlocks('- [ ] buy milk\n- [x] call Bo', schema)[0] as JSONContent

/** The text node of the cell at (row, col) of the table at block 1. */
function cellText(doc: Y.Doc, row: number, col: number): Y.XmlText {
  const table = fragmentOf(doc).get(1) as Y.XmlElement
  return (((table.get(row) as Y.XmlElement).get(col) as Y.XmlElement).get(0) as Y.XmlElement).get(0) as Y.XmlText
}

function rowsOf(md: string): JSONContent[] {
  return (markdownToBlocks(md, schema)[0]?.content ?? []).slice(1)
}

function withRows(at: number, rows: JSONContent[]): JSONContent {
  const content = TABLE.content ?? []
  return { ...TABLE, content: [...content.slice(0, at + 1), ...rows, ...content.slice(at + 1)] }
}

describe('continue writing from a table cell', () => {
  const around = (row: number): JSONContent[] => [para('Intro.'), TABLE, para('After.')]
  const run = (md: string, row: number, split: (md: string) => string[], end: 'complete' | 'cutOff' = 'complete'): Y.Doc => {
    const doc = docWith(AI_CLIENT, around(row))
    const text = cellText(doc, row, 1)
    const writer = writerFor(doc, { kind: 'insert', at: Y.createRelativePositionFromTypeIndex(text, text.length) })
    for (const chunk of split(md)) {
      writer.push(chunk)
      writer.flush()
      checkSchema(doc)
      for (const t of visibleTexts(doc)) expect(t).not.toMatch(/\|/)
    }
    writer.finish(end)
    checkSchema(doc)
    return doc
  }
  const splits = (md: string): Array<(s: string) => string[]> => [
    (s) => s.split(''),
    ...Array.from({ length: md.length - 1 }, (_, i) => (s: string) => [s.slice(0, i + 1), s.slice(i + 1)]),
  ]

  it('rows the model adds (no header) become rows of that table, after the caret\'s row, split anywhere', () => {
    for (const md of ['\n| pear | 4 |\n| plum | 5 |', '| pear | 4 |\n| plum | **5** [x](https://x.example) | extra |\n| kiwi |\n\nA paragraph after.']) {
      const rows = rowsOf(`| | |\n|---|---|\n${md.trimStart()}`)
      const after = md.includes('paragraph after') ? [para('A paragraph after.')] : []
      const expected = canonical([para('Intro.'), withRows(1, rows), ...after, para('After.')])
      for (const split of splits(md)) expect(contentOf(run(md, 1, split))).toEqual(expected)
    }
  })

  it('from a middle row, the rows go right after it', () => {
    const doc = run('| pear | 4 |', 1, (s) => [s])
    expect(contentOf(doc)[1]).toEqual(canonical([withRows(1, rowsOf('| | |\n|---|---|\n| pear | 4 |'))])[0])
  })

  it('a cut-off row is left out, whole rows stay', () => {
    const doc = run('| pear | 4 |\n| plum | [fi', 2, (s) => s.split(''), 'cutOff')
    expect(contentOf(doc)[1]).toEqual(canonical([withRows(2, rowsOf('| | |\n|---|---|\n| pear | 4 |'))])[0])
  })

  it('a whole table (with its own header) goes after the table; words continue the cell', () => {
    const table = '| Fruit | Count |\n|---|---|\n| pear | 4 |'
    for (const split of splits(table)) expect(contentOf(run(table, 2, split))).toEqual(canonical([para('Intro.'), TABLE, ...markdownToBlocks(table, schema), para('After.')]))
    const doc = run(' and **more**', 2, (s) => s.split(''))
    expect(JSON.stringify(contentOf(doc)[1])).toContain('"text":"9 and "},{"type":"text","marks":[{"type":"bold"}],"text":"more"}')
  })
})

describe('continue writing from a task item', () => {
  it('words continue the item; new task items follow the list', () => {
    for (const [md, check] of [
      [' today, **early**', (c: JSONContent[]) => expect(JSON.stringify(c[1])).toContain('"text":"buy milk today, "')],
      ['\n- [ ] next task\n- [x] another [l](https://l.example)', (c: JSONContent[]) => expect(c.slice(1, 3).map((b) => b.type)).toEqual(['taskList', 'taskList'])],
    ] as const) {
      const doc = docWith(AI_CLIENT, [para('Intro.'), TASKS, para('After.')])
      const item = (fragmentOf(doc).get(1) as Y.XmlElement).get(0) as Y.XmlElement
      const text = (item.get(0) as Y.XmlElement).get(0) as Y.XmlText
      const writer = writerFor(doc, { kind: 'insert', at: Y.createRelativePositionFromTypeIndex(text, text.length) })
      for (const ch of md) {
        writer.push(ch)
        writer.flush()
        for (const t of visibleTexts(doc)) expect(t).not.toMatch(SYNTAX)
      }
      writer.finish()
      checkSchema(doc)
      check(contentOf(doc))
    }
  })
})

describe('a rewrite stopped before the model wrote anything', () => {
  it('leaves the selection as everyone saw it (a table, here), not deleted', () => {
    const before = [para('Intro.'), TABLE, para('After.')]
    const doc = docWith(AI_CLIENT, before)
    const writer = writerFor(doc, { kind: 'replace', from: Y.createRelativePositionFromTypeIndex(fragmentOf(doc), 1), to: Y.createRelativePositionFromTypeIndex(fragmentOf(doc), 2) })
    writer.flush()
    writer.finish('cutOff')
    expect(contentOf(doc)).toEqual(canonical(before))
  })
})

describe('rows added to a person\'s table while people type in it', () => {
  it('seeded schedules (people type anywhere, in the AI\'s cells too): the AI\'s rows go in the table, everyone converges, and Discard leaves exactly the people\'s words', () => {
    const md = '\n| pear | 4 |\n| plum | **5** |\n| kiwi | [7](https://k.example) |\n\nAnd a sentence after.'
    for (let seed = 1; seed <= 25; seed++) {
      const rng = seeded(seed)
      const before = [para('Intro.'), TABLE, para('After.')]
      const ai = docWith(AI_CLIENT, before)
      const humans = [docWith(browserClientId(rng), before), docWith(browserClientId(rng), before)]
      const net = new Network([ai, ...humans])
      const origin = { kind: 'ai', jobId: `rows-${seed}` }
      const undo = jobUndoManager(fragmentOf(ai), origin)
      const text = cellText(ai, 2, 1)
      const writer = writerFor(ai, { kind: 'insert', at: Y.createRelativePositionFromTypeIndex(text, text.length) }, origin)
      let n = 0
      const typed: string[] = []
      for (const chunk of randomChunks(md, rng, 4)) {
        writer.push(chunk)
        if (rng() < 0.6) writer.flush()
        const human = humans[randInt(rng, 0, 1)] as Y.Doc
        const texts = allTexts(human)
        const target = texts[randInt(rng, 0, texts.length - 1)]
        if (target !== undefined && rng() < 0.5) {
          const marker = String.fromCodePoint(0x4e00 + n++)
          typed.push(marker)
          target.insert(randInt(rng, 0, target.length), marker)
        }
        net.deliverSome(rng, randInt(rng, 0, 3))
      }
      writer.finish()
      net.deliverAll(rng)
      expect(converged([ai, ...humans])).toBe(true)
      checkSchema(ai)
      const table = contentOf(ai)[1] as JSONContent
      expect(table.type).toBe('table')
      expect(table.content).toHaveLength(6)
      undo.undo()
      net.deliverAll(rng)
      expect(converged([ai, ...humans])).toBe(true)
      checkSchema(ai)
      const all = visibleTexts(ai).join('\n')
      for (const marker of typed) expect(all.split(marker).length - 1).toBe(1)
      const withoutMarkers = visibleTexts(ai).map((t) => t.replace(/[\u4e00-\u9fff]/g, ''))
      expect(withoutMarkers.filter((t) => t !== '')).toEqual(['Intro.', 'Name', 'Qty', 'apple', '3', 'fig', '9', 'After.'])
    }
  })
})

import type { JSONContent } from '@tiptap/core'
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import type { StreamWriter, WriteTarget } from '../../server/ai/writer/index.ts'
import { GOLDENS } from './goldens.ts'
import {
  AI_CLIENT,
  docWith,
  expectedWrite,
  fragmentOf,
  Network,
  para,
  randInt,
  randomChunks,
  seeded,
  textPosition,
  writerFor,
  type Rng,
} from './helpers.ts'
import { aiRunsContiguous, allTexts, browserClientId, charCounts, charsOf, contentWithout, converged } from './inspect.ts'

const BEFORE: JSONContent[] = [para('Intro text.'), para(), para('Outro.')]

type HumanOp = 'atCaret' | 'beforeFirst' | 'afterLast' | 'elsewhere'

/** Inserts `text` at `index` of `target` in `doc`; returns how many characters it typed. */
function typeInto(target: Y.XmlText, index: number, text: string): number {
  target.insert(Math.min(index, target.length), text)
  return text.length
}

/** One human action, from that human's (possibly stale) view of the document. */
function act(op: HumanOp, doc: Y.Doc, writer: StreamWriter, rng: Rng): number {
  const letters = 'xyz'.slice(0, randInt(rng, 1, 3))
  if (op === 'atCaret') {
    const caret = writer.caret()
    const at = caret === null ? null : Y.createAbsolutePositionFromRelativePosition(caret, doc)
    return at !== null && at.type instanceof Y.XmlText ? typeInto(at.type, at.index, letters) : 0
  }
  if (op === 'beforeFirst') {
    for (const text of allTexts(doc)) {
      const index = charsOf(text).findIndex((c) => c.client === AI_CLIENT)
      if (index >= 0) return typeInto(text, index, letters)
    }
    return 0
  }
  if (op === 'afterLast') {
    // Right after the AI's words in any of its text nodes: a table cell, a task item, a list item.
    const texts = allTexts(doc).filter((t) => charsOf(t).some((c) => c.client === AI_CLIENT))
    const text = texts[randInt(rng, 0, texts.length - 1)]
    if (text === undefined) return 0
    const chars = charsOf(text)
    const last = chars.map((c) => c.client).lastIndexOf(AI_CLIENT)
    return typeInto(text, rng() < 0.5 ? last + 1 : chars.findIndex((c) => c.client === AI_CLIENT), letters)
  }
  const texts = allTexts(doc).filter((t) => charsOf(t).every((c) => c.client !== AI_CLIENT))
  const text = texts[randInt(rng, 0, texts.length - 1)]
  return text === undefined ? 0 : typeInto(text, randInt(rng, 0, text.length), letters)
}

interface Scenario {
  readonly target: (doc: Y.Doc) => WriteTarget
  readonly where: Parameters<typeof expectedWrite>[2]
}

const SCENARIOS: Readonly<Record<string, Scenario>> = {
  'empty paragraph': { target: (d) => ({ kind: 'insert', at: textPosition(d, 1, 0) }), where: { inlineAt: 1, offset: 0 } },
  'end of a paragraph': { target: (d) => ({ kind: 'insert', at: textPosition(d, 0, 11) }), where: { inlineAt: 0, offset: 11 } },
  'block after': { target: (d) => ({ kind: 'blockAfter', at: textPosition(d, 0, 2) }), where: { afterIndex: 0 } },
}

/**
 * Streams `md` while two humans type (`ops`) and updates arrive in random
 * order. `exact`: also require the AI's output, minus the humans' characters,
 * to be exactly the one-shot conversion (not so when a block changes type
 * while a human has typed into it: that element is kept for the human's text).
 */
function simulate(md: string, scenario: Scenario, seed: number, ops: readonly HumanOp[], exact = true): void {
  const rng = seeded(seed)
  const ai = docWith(AI_CLIENT, BEFORE)
  const humans = [docWith(browserClientId(rng), BEFORE), docWith(browserClientId(rng), BEFORE)]
  const net = new Network([ai, ...humans])
  const writer = writerFor(ai, scenario.target(ai))
  const typed = new Map<number, number>(humans.map((h) => [h.clientID, 0]))

  for (const chunk of randomChunks(md, rng)) {
    writer.push(chunk)
    if (rng() < 0.5) writer.flush()
    for (let n = randInt(rng, 0, 2); n > 0; n--) {
      const human = humans[randInt(rng, 0, humans.length - 1)] as Y.Doc
      const op = ops[randInt(rng, 0, ops.length - 1)] as HumanOp
      typed.set(human.clientID, (typed.get(human.clientID) ?? 0) + act(op, human, writer, rng))
    }
    net.deliverSome(rng, randInt(rng, 0, 4))
  }
  writer.finish()
  net.deliverAll(rng)

  expect(converged([ai, ...humans])).toBe(true)
  const counts = charCounts(ai)
  for (const [client, n] of typed) expect(counts.get(client) ?? 0).toBe(n)
  expect(aiRunsContiguous(ai, AI_CLIENT)).toBe(true)
  // With the humans' characters taken out, the AI's output is exactly the one-shot conversion.
  if (exact) expect(contentWithout(ai, new Set(typed.keys()))).toEqual(expectedWrite(BEFORE, md, scenario.where))
}

describe('concurrent human edits keep the AI text contiguous and everyone converges', () => {
  for (const [name, scenario] of Object.entries(SCENARIOS)) {
    for (const golden of ['article', 'paragraph', 'lists', 'breaks'] as const) {
      it(`${golden} into ${name}`, () => {
        for (let seed = 1; seed <= 12; seed++) {
          simulate(GOLDENS[golden] ?? '', scenario, seed * 104729, ['atCaret', 'beforeFirst', 'elsewhere'])
        }
      })
    }
  }

  it('blocks that change type mid-stream (setext, html) stay contiguous too', () => {
    // A table written with leading pipes is held back until it is known (tableHold.ts), so it never changes type;
    // one without them shows its first words as a paragraph first, like a setext heading.
    const md = 'A title\n=======\n\n| name | qty |\n| --- | --- |\n| apple | 3 |\n\n<div>\n**raw** html\n</div>\n\nend *here*'
    for (let seed = 1; seed <= 30; seed++) {
      simulate(md, SCENARIOS['empty paragraph'] as Scenario, seed, ['atCaret', 'beforeFirst', 'elsewhere'], false)
    }
  })

  it('tables and task lists: people typing before, inside and after the AI\'s cells and items', () => {
    for (const [name, scenario] of Object.entries(SCENARIOS)) {
      for (let seed = 1; seed <= 20; seed++) {
        simulate(GOLDENS.tablesAndTasks ?? '', scenario, seed * 7349 + name.length, ['atCaret', 'beforeFirst', 'afterLast', 'elsewhere'])
      }
    }
  })

  it('typing at the caret: the AI continues to the left of the human text, with the human text intact', () => {
    const rng = seeded(5)
    const ai = docWith(AI_CLIENT, [para()])
    const human = docWith(browserClientId(rng), [para()])
    const net = new Network([ai, human])
    const writer = writerFor(ai, { kind: 'insert', at: textPosition(ai, 0, 0) })
    writer.push('Hello ')
    writer.flush()
    net.deliverAll(rng)
    // Concurrently: the human types at the AI's caret while the AI writes more.
    act('atCaret', human, writer, () => 0.99)
    writer.push('world, **again**.')
    writer.finish()
    net.deliverAll(rng)
    const text = fragmentOf(ai).toArray().map((b) => (b instanceof Y.XmlElement ? b.toArray().map((t) => (t instanceof Y.XmlText ? t.toString() : '')).join('') : ''))
    expect(converged([ai, human])).toBe(true)
    expect(text[0]).toMatch(/^Hello( world, <bold>again<\/bold>.)xyz$/)
  })
})

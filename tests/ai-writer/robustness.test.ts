import type { JSONContent } from '@tiptap/core'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import type { StreamWriter, WriteTarget } from '../../server/ai/writer/index.ts'
import { GOLDENS } from './goldens.ts'
import {
  AI_CLIENT,
  canonical,
  contentOf,
  docWith,
  fragmentOf,
  Network,
  para,
  randInt,
  randomChunks,
  schema,
  seeded,
  textPosition,
  writerFor,
  type Rng,
} from './helpers.ts'
import { allTexts, browserClientId, converged } from './inspect.ts'

const BEFORE: JSONContent[] = [para('Intro text.'), para(), para('Outro.')]

/** An AI doc and a human doc, connected, with a writer at `target`. */
function setup(target: (doc: Y.Doc) => WriteTarget, seed = 1): { ai: Y.Doc; human: Y.Doc; net: Network; writer: StreamWriter; rng: Rng } {
  const rng = seeded(seed)
  const ai = docWith(AI_CLIENT, BEFORE)
  const human = docWith(browserClientId(rng), BEFORE)
  const net = new Network([ai, human])
  return { ai, human, net, writer: writerFor(ai, target(ai)), rng }
}

function send(writer: StreamWriter, text: string): void {
  writer.push(text)
  writer.flush()
}

describe('humans deleting where the AI is writing', () => {
  it('deleting the paragraph the AI is filling: nothing throws, later blocks still follow its place', () => {
    const { ai, human, net, writer, rng } = setup((d) => ({ kind: 'insert', at: textPosition(d, 1, 0) }))
    send(writer, 'First paragraph that goes')
    net.deliverAll(rng)
    fragmentOf(human).delete(1, 1)
    send(writer, ' on and on.\n\nSecond block.\n\n- a\n- b')
    net.deliverAll(rng)
    send(writer, '\n\nLast.')
    writer.finish()
    net.deliverAll(rng)
    expect(writer.anchorLost).toBe(false)
    expect(converged([ai, human])).toBe(true)
    const bullets = { type: 'bulletList', content: ['a', 'b'].map((x) => ({ type: 'listItem', content: [para(x)] })) }
    expect(contentOf(ai)).toEqual(canonical([para('Intro text.'), para('Second block.'), bullets, para('Last.'), para('Outro.')]))
  })

  it("deleting the AI's in-progress list: the rest of that list is dropped, the next blocks continue", () => {
    const { ai, human, net, writer, rng } = setup((d) => ({ kind: 'blockAfter', at: textPosition(d, 0, 0) }))
    send(writer, 'Lead.\n\n- one\n- tw')
    net.deliverAll(rng)
    fragmentOf(human).delete(contentOf(human).findIndex((b) => b.type === 'bulletList'), 1)
    send(writer, 'o\n- three\n\nAfter the list.')
    writer.finish()
    net.deliverAll(rng)
    expect(converged([ai, human])).toBe(true)
    expect(contentOf(ai)).toEqual(canonical([para('Intro text.'), para('Lead.'), para('After the list.'), para(), para('Outro.')]))
  })

  it('the anchor deleted (and garbage-collected) before anything was written: anchorLost, no throw, nothing written', () => {
    for (const at of [(d: Y.Doc) => textPosition(d, 0, 3), (d: Y.Doc) => textPosition(d, 1, 0)]) {
      const { ai, human, net, writer, rng } = setup((d) => ({ kind: 'insert', at: at(d) }))
      fragmentOf(human).delete(0, 2)
      net.deliverAll(rng)
      const before = contentOf(ai)
      writer.push('Some **text**\n\n- and a list')
      expect(writer.flush()).toBe(false)
      expect(writer.anchorLost).toBe(true)
      writer.finish()
      expect(contentOf(ai)).toEqual(before)
      expect(writer.caret()).toBeNull()
    }
  })

  it('everything deleted mid-stream (select all, delete): the writer carries on where its blocks were', () => {
    const { ai, human, net, writer, rng } = setup((d) => ({ kind: 'insert', at: textPosition(d, 1, 0) }))
    send(writer, 'One.\n\nTwo')
    net.deliverAll(rng)
    const all = fragmentOf(human)
    all.delete(0, all.length)
    send(writer, ' more.\n\nThree.')
    writer.finish()
    net.deliverAll(rng)
    expect(converged([ai, human])).toBe(true)
    expect(contentOf(ai)).toEqual(canonical([para('Three.')]))
  })

  it('a replace whose selection was deleted concurrently does not throw', () => {
    const { ai, human, net, writer, rng } = setup((d) => ({ kind: 'replace', from: textPosition(d, 0, 2), to: textPosition(d, 2, 3) }))
    fragmentOf(human).delete(0, 3)
    net.deliverAll(rng)
    writer.push('New text')
    writer.flush()
    writer.finish()
    net.deliverAll(rng)
    expect(converged([ai, human])).toBe(true)
    expect(writer.anchorLost).toBe(true)
  })
})

type HumanOp = (doc: Y.Doc, writer: StreamWriter, rng: Rng) => void

const HUMAN_OPS: readonly HumanOp[] = [
  // type somewhere
  (doc, _w, rng) => {
    const texts = allTexts(doc)
    const text = texts[randInt(rng, 0, texts.length - 1)]
    if (text !== undefined) text.insert(randInt(rng, 0, text.length), 'hu')
  },
  // type at the AI's caret
  (doc, writer) => {
    const caret = writer.caret()
    const at = caret === null ? null : Y.createAbsolutePositionFromRelativePosition(caret, doc)
    if (at !== null && at.type instanceof Y.XmlText) at.type.insert(at.index, 'ca')
  },
  // delete a range of text anywhere (the AI's included)
  (doc, _w, rng) => {
    const texts = allTexts(doc).filter((t) => t.length > 0)
    const text = texts[randInt(rng, 0, texts.length - 1)]
    if (text === undefined) return
    const from = randInt(rng, 0, text.length - 1)
    text.delete(from, randInt(rng, 1, text.length - from))
  },
  // delete a whole top-level block
  (doc, _w, rng) => {
    const fragment = fragmentOf(doc)
    if (fragment.length > 1) fragment.delete(randInt(rng, 0, fragment.length - 1), 1)
  },
  // press enter somewhere: a new paragraph between blocks
  (doc, _w, rng) => {
    const el = new Y.XmlElement('paragraph')
    el.insert(0, [new Y.XmlText('new')])
    const fragment = fragmentOf(doc)
    fragment.insert(randInt(rng, 0, fragment.length), [el])
  },
]

const TARGETS: ReadonlyArray<(doc: Y.Doc) => WriteTarget> = [
  (d) => ({ kind: 'insert', at: textPosition(d, 1, 0) }),
  (d) => ({ kind: 'insert', at: textPosition(d, 0, 5) }),
  (d) => ({ kind: 'blockAfter', at: textPosition(d, 2, 1) }),
  (d) => ({ kind: 'replace', from: textPosition(d, 0, 2), to: textPosition(d, 2, 2) }),
]

describe('fuzz: random human edits during a stream', () => {
  it('never throws, always converges, and leaves every block schema-valid', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2 ** 31 - 1 }),
        fc.constantFrom(...Object.keys(GOLDENS)),
        fc.integer({ min: 0, max: TARGETS.length - 1 }),
        (seed, golden, targetIndex) => {
          const rng = seeded(seed)
          const ai = docWith(AI_CLIENT, BEFORE)
          const humans = [docWith(browserClientId(rng), BEFORE), docWith(browserClientId(rng), BEFORE)]
          const net = new Network([ai, ...humans])
          const writer = writerFor(ai, (TARGETS[targetIndex] as (doc: Y.Doc) => WriteTarget)(ai))
          for (const chunk of randomChunks(GOLDENS[golden] ?? '', rng)) {
            writer.push(chunk)
            if (rng() < 0.5) writer.flush()
            if (rng() < 0.3) {
              const op = HUMAN_OPS[randInt(rng, 0, HUMAN_OPS.length - 1)] as HumanOp
              op(humans[randInt(rng, 0, humans.length - 1)] as Y.Doc, writer, rng)
            }
            net.deliverSome(rng, randInt(rng, 0, 3))
          }
          writer.finish()
          net.deliverAll(rng)
          expect(converged([ai, ...humans])).toBe(true)
          for (const block of contentOf(ai)) schema.nodeFromJSON(block).check()
          const caret = writer.caret()
          if (caret !== null) Y.createAbsolutePositionFromRelativePosition(caret, ai)
        },
      ),
      { numRuns: 150 },
    )
  })
})

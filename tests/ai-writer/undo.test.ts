import type { JSONContent } from '@tiptap/core'
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import type { WriteTarget } from '../../server/ai/writer/index.ts'
import { GOLDENS } from './goldens.ts'
import { jobUndoManager } from '../../server/ai/jobUndo.ts'
import { AI_CLIENT, canonical, checkSchema, contentOf, docWith, fragmentOf, Network, para, randInt, randomChunks, seeded, textPosition, writerFor } from './helpers.ts'
import { allTexts, browserClientId, charsOf, converged } from './inspect.ts'

const BEFORE: JSONContent[] = [para('Keep this intro.'), para('Rewrite me please.'), para('Outro.')]

/**
 * Streams an answer into the AI doc under an UndoManager scoped to the job's
 * origin, while a human edits "Outro." on another doc; then discards.
 */
function streamThenDiscard(target: (doc: Y.Doc) => WriteTarget, seed: number): { ai: Y.Doc; human: Y.Doc; afterStream: JSONContent[] } {
  const rng = seeded(seed)
  const ai = docWith(AI_CLIENT, BEFORE)
  const human = docWith(browserClientId(rng), BEFORE)
  const net = new Network([ai, human])
  const origin = { kind: 'ai', jobId: 'job-1' }
  const undo = new Y.UndoManager(fragmentOf(ai), { trackedOrigins: new Set([origin]), captureTimeout: Infinity })
  const localOrigins = new Set<unknown>()
  ai.on('afterTransaction', (tr: Y.Transaction) => {
    if (tr.local) localOrigins.add(tr.origin)
  })
  const writer = writerFor(ai, target(ai), origin)
  const outro = (fragmentOf(human).get(2) as Y.XmlElement).get(0) as Y.XmlText
  const chunks = randomChunks(GOLDENS.article ?? '', rng)
  chunks.forEach((chunk, i) => {
    writer.push(chunk)
    writer.flush()
    if (i % 25 === 0) outro.insert(outro.length, '!')
    if (rng() < 0.5) net.deliverSome(rng, 3)
  })
  writer.finish()
  net.deliverAll(rng)
  const afterStream = contentOf(ai)
  // Every local change to the AI doc was made under the job's origin.
  expect([...localOrigins]).toEqual([origin])
  undo.undo()
  net.deliverAll(rng)
  return { ai, human, afterStream }
}

describe('discard (undo of the job origin)', () => {
  it('removes exactly the inserted text and keeps a human edit made elsewhere during the stream', () => {
    for (const seed of [1, 2, 3]) {
      const { ai, human, afterStream } = streamThenDiscard((d) => ({ kind: 'insert', at: textPosition(d, 0, 16) }), seed)
      expect(afterStream.length).toBeGreaterThan(BEFORE.length)
      expect(converged([ai, human])).toBe(true)
      const outro = contentOf(ai)[2]?.content?.[0]?.text ?? ''
      expect(contentOf(ai)).toEqual(canonical([BEFORE[0] as JSONContent, BEFORE[1] as JSONContent, para(outro)]))
      expect(outro).toMatch(/^Outro\.!+$/)
    }
  })

  it('restores a replaced selection', () => {
    const { ai, human } = streamThenDiscard((d) => ({ kind: 'replace', from: textPosition(d, 1, 0), to: textPosition(d, 1, 18) }), 4)
    expect(converged([ai, human])).toBe(true)
    expect(contentOf(ai).slice(0, 2)).toEqual(canonical(BEFORE.slice(0, 2)))
    expect(contentOf(ai)[2]?.content?.[0]?.text).toMatch(/^Outro\.!+$/)
  })

  it('restores a selection that spanned several blocks', () => {
    const { ai } = streamThenDiscard((d) => ({ kind: 'replace', from: textPosition(d, 0, 5), to: textPosition(d, 2, 3) }), 5)
    const outro = contentOf(ai)[2]?.content?.[0]?.text ?? ''
    expect(contentOf(ai)).toEqual(canonical([BEFORE[0] as JSONContent, BEFORE[1] as JSONContent, para(outro)]))
    expect(outro).toMatch(/^Outro\.!+$/)
  })
})

/**
 * Discard of an answer with a table and nested task lists while two people
 * type unique characters anywhere: into the AI's cells and task items, before
 * and after them, and into their own text. Uses the job's own UndoManager
 * (jobUndo.ts), whose delete filter keeps blocks someone typed into.
 */
describe('discard of tables and task lists under concurrent typing', () => {
  const letters = (base: number) => {
    let n = 0
    return () => String.fromCodePoint(base + n++)
  }

  function discardUnderTyping(seed: number): Y.Doc {
    const rng = seeded(seed)
    const ai = docWith(AI_CLIENT, BEFORE)
    const people = [docWith(browserClientId(rng), BEFORE), docWith(browserClientId(rng), BEFORE)]
    const next = [letters(0x4e00), letters(0xac00)]
    const net = new Network([ai, ...people])
    const origin = { kind: 'ai', jobId: `job-${seed}` }
    const undo = jobUndoManager(fragmentOf(ai), origin)
    const writer = writerFor(ai, { kind: 'insert', at: textPosition(ai, 0, 16) }, origin)
    const typed: string[] = []
    const typeSome = (): void => {
      people.forEach((doc, i) => {
        if (rng() > 0.4) return
        const texts = allTexts(doc)
        const text = texts[randInt(rng, 0, texts.length - 1)]
        if (text === undefined) return
        const ch = (next[i] as () => string)()
        text.insert(randInt(rng, 0, text.length), ch)
        typed.push(ch)
      })
    }
    for (const chunk of randomChunks(GOLDENS.tablesAndTasks ?? '', rng)) {
      writer.push(chunk)
      if (rng() < 0.5) writer.flush()
      typeSome()
      if (rng() < 0.6) net.deliverSome(rng, randInt(rng, 1, 4))
    }
    writer.finish()
    for (let i = 0; i < 8; i++) typeSome()
    net.deliverAll(rng)
    expect(JSON.stringify(contentOf(ai))).toContain('"table"')
    undo.undo()
    net.deliverAll(rng)
    expect(converged([ai, ...people])).toBe(true)
    const all = allTexts(ai).map((t) => t.toString()).join('\n')
    for (const ch of typed) expect(all.split(ch).length - 1, `seed ${seed}: ${ch}`).toBe(1)
    expect(allTexts(ai).flatMap(charsOf).filter((c) => c.client === AI_CLIENT)).toEqual([])
    // An AI block that is left holds someone's words (or holds a block that does).
    const occupied = (el: Y.XmlElement): boolean => el.toArray().some((c) => (c instanceof Y.XmlText ? c.length > 0 : c instanceof Y.XmlElement && occupied(c)))
    for (const el of fragmentOf(ai).toArray()) if (el instanceof Y.XmlElement && el._item?.id.client === AI_CLIENT) expect(occupied(el)).toBe(true)
    return ai
  }

  it('keeps every person\'s character, leaves no AI character, and all peers converge', () => {
    for (let seed = 1; seed <= 15; seed++) discardUnderTyping(seed)
  })

  // A kept list item, task item or cell keeps the empty paragraph the schema needs (shared/undoRule.ts).
  it('leaves a schema-valid document', () => {
    for (let seed = 1; seed <= 25; seed++) checkSchema(discardUnderTyping(seed))
  })
})

import type { JSONContent } from '@tiptap/core'
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import type { WriteTarget } from '../../server/ai/writer/index.ts'
import { GOLDENS } from './goldens.ts'
import { AI_CLIENT, canonical, contentOf, docWith, fragmentOf, Network, para, randomChunks, seeded, textPosition, writerFor } from './helpers.ts'
import { browserClientId, converged } from './inspect.ts'

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

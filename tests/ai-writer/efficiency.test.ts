import type { JSONContent } from '@tiptap/core'
import { Lexer } from 'marked'
import { afterEach, describe, expect, it, vi } from 'vitest'
import * as Y from 'yjs'
import { GOLDENS } from './goldens.ts'
import { AI_CLIENT, docWith, fragmentOf, para, randomChunks, seeded, textPosition, writerFor } from './helpers.ts'

/** A long answer: the golden article ten times over. */
const LONG = Array.from({ length: 10 }, () => GOLDENS.article ?? '').join('\n\n')

function topLevelItemOf(fragment: Y.XmlFragment, type: { _item: Y.Item | null }): Y.Item | null {
  let item = type._item
  while (item !== null && item.parent !== fragment) item = (item.parent as Y.AbstractType<unknown>)._item
  return item
}

afterEach(() => {
  vi.restoreAllMocks()
})

describe('flush cost does not grow with what was written before', () => {
  it('only the unfinished part of the text is lexed again', () => {
    const lexed: number[] = []
    const lex = Lexer.prototype.lex
    vi.spyOn(Lexer.prototype, 'lex').mockImplementation(function (this: Lexer, src: string) {
      lexed.push(src.length)
      return lex.call(this, src)
    })
    const doc = docWith(AI_CLIENT, [para()])
    const writer = writerFor(doc, { kind: 'insert', at: textPosition(doc, 0, 0) })
    for (const chunk of randomChunks(LONG, seeded(3))) {
      writer.push(chunk)
      writer.flush()
    }
    // The largest block of the article (the ordered list) is ~130 characters.
    expect(LONG.length).toBeGreaterThan(4000)
    expect(Math.max(...lexed)).toBeLessThan(250)
  })

  it('each flush changes only the last few blocks the AI wrote, never the completed ones before them', () => {
    const doc = docWith(AI_CLIENT, [para('Start'), para('End')])
    const fragment = fragmentOf(doc)
    const origin = { kind: 'ai' }
    let aiBlocksBefore: Y.Item[] = []
    const violations: string[] = []
    doc.on('beforeTransaction', (tr: Y.Transaction) => {
      if (tr.origin !== origin) return
      aiBlocksBefore = []
      for (let n = fragment._start; n !== null; n = n.right) if (!n.deleted && n.id.client === AI_CLIENT) aiBlocksBefore.push(n)
    })
    doc.on('afterTransaction', (tr: Y.Transaction) => {
      if (tr.origin !== origin) return
      const recent = new Set(aiBlocksBefore.slice(-3))
      for (const type of tr.changed.keys()) {
        if (type === (fragment as Y.AbstractType<unknown>)) continue
        const top = topLevelItemOf(fragment, type)
        const existedBefore = top !== null && aiBlocksBefore.includes(top)
        if (existedBefore && !recent.has(top)) violations.push(`block ${aiBlocksBefore.indexOf(top)} of ${aiBlocksBefore.length}`)
      }
    })
    const writer = writerFor(doc, { kind: 'blockAfter', at: textPosition(doc, 0, 0) }, origin)
    for (const chunk of randomChunks(LONG, seeded(4))) {
      writer.push(chunk)
      writer.flush()
    }
    writer.finish()
    expect(aiBlocksBefore.length).toBeGreaterThan(60)
    expect(violations).toEqual([])
  })

  it('the per-flush update does not depend on the size of the document', () => {
    const bytesFor = (before: JSONContent[]): number[] => {
      const doc = docWith(AI_CLIENT, before)
      const origin = { kind: 'ai' }
      const sizes: number[] = []
      doc.on('update', (update: Uint8Array, o: unknown) => {
        if (o === origin) sizes.push(update.length)
      })
      const writer = writerFor(doc, { kind: 'insert', at: textPosition(doc, 0, 0) }, origin)
      for (const chunk of randomChunks(GOLDENS.article ?? '', seeded(5))) {
        writer.push(chunk)
        writer.flush()
      }
      writer.finish()
      return sizes
    }
    const small = bytesFor([para()])
    const big = bytesFor([para(), ...Array.from({ length: 3000 }, (_, i) => para(`Existing paragraph ${i}.`))])
    // Same flushes; ids of the surrounding items may take a byte or two more to encode.
    expect(big.length).toBe(small.length)
    big.forEach((bytes, i) => expect(Math.abs(bytes - (small[i] ?? 0))).toBeLessThanOrEqual(4))
    // Each flush is a small delta: a few characters plus their formatting.
    expect(Math.max(...small)).toBeLessThan(400)
  })
})

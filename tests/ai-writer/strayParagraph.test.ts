/**
 * Issue 10, bug 7: no stray empty paragraph before the AI's text.
 *
 * - Write on an empty line, answer starting with a heading (or list...): the
 *   blocks go before the empty line, which stays, with the person's caret,
 *   right after them. Nothing of theirs is deleted.
 * - Rewrite of a whole paragraph, answer starting with a heading: the same
 *   rule, so the emptied paragraph ends up after the AI's text. It is not
 *   deleted: a keystroke typed into it at that moment would go with it.
 * - Continue at the end of a paragraph: blocks after it, as before.
 */
import type { JSONContent } from '@tiptap/core'
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import type { StreamWriter, WriteTarget } from '../../server/ai/writer/index.ts'
import { AI_CLIENT, canonical, contentOf, docWith, fragmentOf, Network, para, randInt, seeded, streamAll, textPosition, writerFor, type Rng } from './helpers.ts'
import { aiRunsContiguous, browserClientId, charCounts, contentWithout, converged } from './inspect.ts'

const h2 = (text: string): JSONContent => ({ type: 'heading', attrs: { level: 2 }, content: [{ type: 'text', text }] })
const bullets = (...items: string[]): JSONContent => ({ type: 'bulletList', content: items.map((i) => ({ type: 'listItem', content: [para(i)] })) })

const MD = '## Plan\n\nFirst step.\n\n- one\n- two'
const AI_BLOCKS = [h2('Plan'), para('First step.'), bullets('one', 'two')]

const ON_EMPTY_LINE = [para('Intro.'), para(), para('Outro.')]
const atEmptyLine = (d: Y.Doc): WriteTarget => ({ kind: 'insert', at: textPosition(d, 1, 0) })

const TO_REWRITE = [para('Intro.'), para('Rewrite me.'), para('Outro.')]
const wholeParagraph = (d: Y.Doc): WriteTarget => ({ kind: 'replace', from: textPosition(d, 1, 0), to: textPosition(d, 1, 11) })

/** Writes `md` (streamed with `seed`, or in one go) and returns the resulting blocks. */
function write(before: JSONContent[], target: (doc: Y.Doc) => WriteTarget, md: string, seed?: number): JSONContent[] {
  const doc = docWith(AI_CLIENT, before)
  const writer = writerFor(doc, target(doc))
  if (seed === undefined) {
    writer.push(md)
    writer.finish()
  } else streamAll(writer, md, seeded(seed))
  return contentOf(doc)
}

/** Streams `md` under an UndoManager on the job's origin, then discards; returns the blocks before and after. */
function writeThenDiscard(before: JSONContent[], target: (doc: Y.Doc) => WriteTarget, md: string, seed: number): { written: JSONContent[]; discarded: JSONContent[] } {
  const doc = docWith(AI_CLIENT, before)
  const origin = { kind: 'ai', jobId: 'job-1' }
  const undo = new Y.UndoManager(fragmentOf(doc), { trackedOrigins: new Set([origin]), captureTimeout: Infinity })
  streamAll(writerFor(doc, target(doc), origin), md, seeded(seed))
  const written = contentOf(doc)
  undo.undo()
  return { written, discarded: contentOf(doc) }
}

/** Types `letters` at the start of block `index`'s text, as y-prosemirror does (a new text node in an empty textblock). */
function typeAtStart(doc: Y.Doc, index: number, letters: string): number {
  const el = fragmentOf(doc).get(index)
  if (!(el instanceof Y.XmlElement)) return 0
  const text = el.get(0)
  if (text instanceof Y.XmlText) text.insert(0, letters)
  else el.insert(0, [new Y.XmlText(letters)])
  return letters.length
}

/** Index of the person's line in `doc`: the top-level paragraph that is empty or holds only typed letters (-1: none). */
function emptyLineIndex(doc: Y.Doc): number {
  return contentOf(doc).findIndex((b) => b.type === 'paragraph' && (b.content === undefined || b.content.every((n) => /^[xyz]+$/.test(n.text ?? ''))))
}

describe('write on an empty line, answer starting with a block that cannot go inline', () => {
  it('the blocks go before the empty line, which stays right after them', () => {
    const expected = canonical([para('Intro.'), ...AI_BLOCKS, para(), para('Outro.')])
    expect(write(ON_EMPTY_LINE, atEmptyLine, MD)).toEqual(expected)
    for (let seed = 1; seed <= 8; seed++) expect(write(ON_EMPTY_LINE, atEmptyLine, MD, seed)).toEqual(expected)
  })

  it('a list first, on an empty line at the start of the document', () => {
    const out = write([para(), para('Outro.')], atEmptyLine0, '- one\n- two\n\nAfter.')
    expect(out).toEqual(canonical([bullets('one', 'two'), para('After.'), para(), para('Outro.')]))
  })

  it("the person's caret on the empty line ends up right after the AI's text", () => {
    const doc = docWith(AI_CLIENT, ON_EMPTY_LINE)
    const caret = Y.createRelativePositionFromTypeIndex(fragmentOf(doc).get(1) as Y.XmlElement, 0)
    streamAll(writerFor(doc, atEmptyLine(doc)), MD, seeded(3))
    const at = Y.createAbsolutePositionFromRelativePosition(caret, doc)
    expect(at?.type).toBe(fragmentOf(doc).get(1 + AI_BLOCKS.length))
  })

  it('a paragraph first still fills the empty line (unchanged)', () => {
    const out = write(ON_EMPTY_LINE, atEmptyLine, 'Filled.\n\n## Then')
    expect(out).toEqual(canonical([para('Intro.'), para('Filled.'), h2('Then'), para('Outro.')]))
  })

  it('an empty line inside a list item: the blocks go after the list (unchanged)', () => {
    const doc = docWith(AI_CLIENT, [bullets('one', ''), para('Outro.')])
    const item = (fragmentOf(doc).get(0) as Y.XmlElement).get(1) as Y.XmlElement
    const writer = writerFor(doc, { kind: 'insert', at: Y.createRelativePositionFromTypeIndex(item.get(0) as Y.XmlElement, 0) })
    writer.push('## Plan')
    writer.finish()
    expect(contentOf(doc)).toEqual(canonical([bullets('one', ''), h2('Plan'), para('Outro.')]))
  })

  it('the line is no longer empty when the first block is placed (someone typed there): the blocks go after it', () => {
    const rng = seeded(9)
    const ai = docWith(AI_CLIENT, ON_EMPTY_LINE)
    const human = docWith(browserClientId(rng), ON_EMPTY_LINE)
    const net = new Network([ai, human])
    const writer = writerFor(ai, atEmptyLine(ai))
    writer.push('##')
    writer.flush()
    typeAtStart(human, 1, 'xyz')
    net.deliverAll(rng)
    writer.push(MD.slice(2))
    writer.finish()
    net.deliverAll(rng)
    expect(converged([ai, human])).toBe(true)
    expect(contentOf(ai)).toEqual(canonical([para('Intro.'), para('xyz'), ...AI_BLOCKS, para('Outro.')]))
  })

  it('discard leaves the document exactly as before', () => {
    for (let seed = 1; seed <= 5; seed++) {
      const { written, discarded } = writeThenDiscard(ON_EMPTY_LINE, atEmptyLine, MD, seed)
      expect(written).toEqual(canonical([para('Intro.'), ...AI_BLOCKS, para(), para('Outro.')]))
      expect(discarded).toEqual(canonical(ON_EMPTY_LINE))
    }
  })

  it('a person typing on the empty line and around it while the AI writes: all typing kept, peers converge', () => {
    const shapes = new Set<string>()
    for (let seed = 1; seed <= 12; seed++) {
      const rng = seeded(seed * 7727)
      const ai = docWith(AI_CLIENT, ON_EMPTY_LINE)
      const humans = [docWith(browserClientId(rng), ON_EMPTY_LINE), docWith(browserClientId(rng), ON_EMPTY_LINE)]
      const net = new Network([ai, ...humans])
      const writer = writerFor(ai, atEmptyLine(ai))
      const typed = new Map(humans.map((d) => [d.clientID, 0]))
      let lineWasEmpty: boolean | null = null
      streamWithTyping(writer, MD, rng, net, () => {
        const human = humans[randInt(rng, 0, 1)] as Y.Doc
        typed.set(human.clientID, (typed.get(human.clientID) ?? 0) + typeNearLine(human, rng))
      }, () => {
        lineWasEmpty = (contentOf(ai)[1]?.content ?? []).length === 0
      })
      net.deliverAll(rng)
      expect(converged([ai, ...humans])).toBe(true)
      const counts = charCounts(ai)
      for (const [client, n] of typed) expect(counts.get(client) ?? 0).toBe(n)
      expect(aiRunsContiguous(ai, AI_CLIENT)).toBe(true)
      // Without the humans' characters: the AI's blocks before the line if it was still empty when the first was placed.
      shapes.add(lineWasEmpty === true ? 'before' : 'after')
      const shape = lineWasEmpty === true ? [para('Intro.'), ...AI_BLOCKS, para(), para('Outro.')] : [para('Intro.'), para(), ...AI_BLOCKS, para('Outro.')]
      expect(contentWithout(ai, new Set(typed.keys()))).toEqual(canonical(shape))
    }
    // The seeds cover both: typing that reached the server before the first block, and typing that did not.
    expect([...shapes].sort()).toEqual(['after', 'before'])
  })
})

describe('continue at the end of a paragraph, answer starting with a heading', () => {
  it('the blocks go after that paragraph (unchanged)', () => {
    const out = write([para('Intro.'), para('Outro.')], (d) => ({ kind: 'insert', at: textPosition(d, 0, 6) }), MD)
    expect(out).toEqual(canonical([para('Intro.'), ...AI_BLOCKS, para('Outro.')]))
  })
})

describe('rewrite of a whole paragraph, answer starting with a block that cannot go inline', () => {
  const AFTER_REWRITE = [para('Intro.'), ...AI_BLOCKS, para(), para('Outro.')]

  it('the emptied paragraph stays after the AI text, not before it (never deleted)', () => {
    expect(write(TO_REWRITE, wholeParagraph, MD)).toEqual(canonical(AFTER_REWRITE))
    for (let seed = 1; seed <= 8; seed++) expect(write(TO_REWRITE, wholeParagraph, MD, seed)).toEqual(canonical(AFTER_REWRITE))
  })

  it('someone typed into the emptied paragraph before the first block: the blocks go after their words', () => {
    const rng = seeded(11)
    const ai = docWith(AI_CLIENT, TO_REWRITE)
    const human = docWith(browserClientId(rng), TO_REWRITE)
    const net = new Network([ai, human])
    const writer = writerFor(ai, wholeParagraph(ai))
    writer.push('##')
    writer.flush() // deletes the selection; nothing to show yet
    net.deliverAll(rng)
    typeAtStart(human, 1, 'xyz')
    net.deliverAll(rng)
    writer.push(MD.slice(2))
    writer.finish()
    net.deliverAll(rng)
    expect(converged([ai, human])).toBe(true)
    expect(contentOf(ai)).toEqual(canonical([para('Intro.'), para('xyz'), ...AI_BLOCKS, para('Outro.')]))
  })

  it('a paragraph first still goes into the emptied paragraph (unchanged)', () => {
    const out = write(TO_REWRITE, wholeParagraph, 'Shorter.\n\n## Then')
    expect(out).toEqual(canonical([para('Intro.'), para('Shorter.'), h2('Then'), para('Outro.')]))
  })

  it('part of a paragraph: the rest of it stays, the blocks after it (unchanged)', () => {
    const out = write(TO_REWRITE, (d) => ({ kind: 'replace', from: textPosition(d, 1, 0), to: textPosition(d, 1, 8) }), MD)
    expect(out).toEqual(canonical([para('Intro.'), para('me.'), ...AI_BLOCKS, para('Outro.')]))
  })

  it('a selection from a whole paragraph into the next: the blocks go before the emptied one', () => {
    const out = write(TO_REWRITE, (d) => ({ kind: 'replace', from: textPosition(d, 0, 0), to: textPosition(d, 1, 8) }), MD)
    expect(out).toEqual(canonical([...AI_BLOCKS, para(), para('me.'), para('Outro.')]))
  })

  it('discard brings the paragraph back exactly', () => {
    for (let seed = 1; seed <= 5; seed++) {
      const { written, discarded } = writeThenDiscard(TO_REWRITE, wholeParagraph, MD, seed)
      expect(written).toEqual(canonical(AFTER_REWRITE))
      expect(discarded).toEqual(canonical(TO_REWRITE))
    }
  })

  it('people typing on the emptied line and around it while the AI writes: all typing kept, peers converge', () => {
    const seen = new Set<string>()
    for (let seed = 1; seed <= 12; seed++) {
      const rng = seeded(seed * 104729)
      const ai = docWith(AI_CLIENT, TO_REWRITE)
      const humans = [docWith(browserClientId(rng), TO_REWRITE), docWith(browserClientId(rng), TO_REWRITE)]
      const net = new Network([ai, ...humans])
      const writer = writerFor(ai, wholeParagraph(ai))
      const typed = new Map(humans.map((d) => [d.clientID, 0]))
      // Blank lines first (models do that): a while with the selection gone and nothing shown yet.
      streamWithTyping(writer, `\n\n\n\n\n\n${MD}`, rng, net, () => {
        const human = humans[randInt(rng, 0, 1)] as Y.Doc
        typed.set(human.clientID, (typed.get(human.clientID) ?? 0) + typeNearLine(human, rng))
      })
      net.deliverAll(rng)
      expect(converged([ai, ...humans])).toBe(true)
      const counts = charCounts(ai)
      for (const [client, n] of typed) expect(counts.get(client) ?? 0).toBe(n)
      expect(aiRunsContiguous(ai, AI_CLIENT)).toBe(true)
      // Before the AI text only if someone's words were on the line when the first block was placed.
      const rest = contentWithout(ai, new Set(typed.keys()))
      const shapes = [canonical(AFTER_REWRITE), canonical([para('Intro.'), para(), ...AI_BLOCKS, para('Outro.')])]
      expect(shapes).toContainEqual(rest)
      seen.add(JSON.stringify(rest) === JSON.stringify(shapes[0]) ? 'line after' : 'line before')
    }
    expect([...seen].sort()).toEqual(['line after', 'line before'])
  })
})

/**
 * Types a few letters on the person's line (once it is empty in this
 * person's view: typing into a selection the AI is about to replace is
 * replaced with it), or at the start of the first or last block.
 */
function typeNearLine(doc: Y.Doc, rng: Rng): number {
  const index = [emptyLineIndex(doc), 0, fragmentOf(doc).length - 1][randInt(rng, 0, 2)] as number
  return index < 0 ? 0 : typeAtStart(doc, index, 'xyz'.slice(0, randInt(rng, 1, 3)))
}

function atEmptyLine0(d: Y.Doc): WriteTarget {
  return { kind: 'insert', at: textPosition(d, 0, 0) }
}

/**
 * Streams `md` token by token; between tokens a person may type (`type`) and
 * updates arrive in random order. `beforeChange` runs before every flush up
 * to the first one that changed the document.
 */
function streamWithTyping(writer: StreamWriter, md: string, rng: Rng, net: Network, type: () => void, beforeChange?: () => void): void {
  let changed = false
  for (let i = 0; i < md.length; ) {
    const n = randInt(rng, 1, 4)
    writer.push(md.slice(i, i + n))
    i += n
    if (rng() < 0.6) {
      if (!changed) beforeChange?.()
      changed = writer.flush() || changed
    }
    if (rng() < 0.5) type()
    net.deliverSome(rng, randInt(rng, 0, 3))
  }
  if (!changed) beforeChange?.()
  writer.finish()
}

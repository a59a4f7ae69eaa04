/**
 * Discard never takes a person's words (issue 10). Over seeded schedules,
 * two collaborators type inside, before and after an AI job's blocks while
 * it streams and after it finishes, with updates delivered in random order;
 * then the requester discards. Every character a person typed is still
 * there, no character of the AI's is left, and every peer holds the same
 * document.
 */
import type { JSONContent } from '@tiptap/core'
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { jobUndoManager } from '../../server/ai/jobUndo.ts'
import type { WriteTarget } from '../../server/ai/writer/index.ts'
import { GOLDENS } from '../ai-writer/goldens.ts'
import { AI_CLIENT, contentOf, docWith, fragmentOf, Network, para, randInt, randomChunks, seeded, textPosition, writerFor, type Rng } from '../ai-writer/helpers.ts'
import { allTexts, browserClientId, converged } from '../ai-writer/inspect.ts'

const BEFORE: JSONContent[] = [para('Keep this intro.'), para('Rewrite me please.'), para('Outro.')]
/** Each keystroke is one unique character (so nobody types inside another's): CJK for Bob, Hangul for Eve. */
const MARK = /[\u4e00-\u9fff\uac00-\ud7a3]/g

/** One person typing: unique characters at random places, or as new blocks. */
class Typist {
  private n = 0
  readonly typed: string[] = []
  constructor(
    readonly doc: Y.Doc,
    private readonly base: number,
    private readonly rng: Rng,
  ) {}

  type(): void {
    const marker = String.fromCodePoint(this.base + this.n++)
    this.typed.push(marker)
    const fragment = fragmentOf(this.doc)
    if (this.rng() < 0.25 || fragment.length === 0) {
      // A block of their own, anywhere between the top-level blocks.
      const p = new Y.XmlElement('paragraph')
      p.insert(0, [new Y.XmlText(marker)])
      fragment.insert(randInt(this.rng, 0, fragment.length), [p])
      return
    }
    // Inside any text: the AI's blocks, the human blocks around them, or
    // the paragraph the AI is writing into.
    const texts = allTexts(this.doc)
    const text = texts[randInt(this.rng, 0, texts.length - 1)] as Y.XmlText
    text.insert(randInt(this.rng, 0, text.length), marker)
  }
}

function blockTexts(content: JSONContent[]): string[] {
  const textOf = (n: JSONContent): string => (n.text ?? '') + (n.content ?? []).map(textOf).join('')
  return content.map(textOf)
}

interface Outcome {
  docs: Y.Doc[]
  typed: string[]
  wroteBlocks: boolean
}

/**
 * `seenDeletion`: everyone receives the rewrite's deletion of the selection
 * before typing. A block that lies wholly inside a rewritten selection is
 * deleted as an element, and a word typed into it by someone who has not
 * yet seen that deletion goes with it (Yjs drops inserts into a deleted
 * element); see the README's note on rewrites.
 */
function discardUnderTyping(target: (doc: Y.Doc) => WriteTarget, md: string, seed: number, seenDeletion = false): Outcome {
  const rng = seeded(seed)
  const ai = docWith(AI_CLIENT, BEFORE)
  const bob = new Typist(docWith(browserClientId(rng), BEFORE), 0x4e00, rng)
  const eve = new Typist(docWith(browserClientId(rng), BEFORE), 0xac00, rng)
  const docs = [ai, bob.doc, eve.doc]
  const net = new Network(docs)
  const origin = { kind: 'ai', jobId: `job-${seed}` }
  const undo = jobUndoManager(fragmentOf(ai), origin)
  const writer = writerFor(ai, target(ai), origin)
  const typeSome = () => {
    if (rng() < 0.35) bob.type()
    if (rng() < 0.35) eve.type()
  }
  const chunks = randomChunks(md, rng)
  if (seenDeletion) {
    // Flush until the writer has deleted the selection (it may wait for the
    // first block's type), then let everyone see it.
    const before = JSON.stringify(contentOf(ai))
    while (chunks.length > 0 && JSON.stringify(contentOf(ai)) === before) {
      writer.push(chunks.shift() ?? '')
      writer.flush()
    }
    net.deliverAll(rng)
  }
  for (const chunk of chunks) {
    writer.push(chunk)
    if (rng() < 0.5) writer.flush()
    typeSome()
    if (rng() < 0.6) net.deliverSome(rng, randInt(rng, 1, 4))
  }
  writer.finish()
  // After the job finished, before anyone resolves it.
  for (let i = 0; i < 12; i++) {
    typeSome()
    net.deliverSome(rng, randInt(rng, 0, 3))
  }
  const wroteBlocks = fragmentOf(ai).length > BEFORE.length
  // The requester discards once the server has everyone's typing (a word
  // typed into an AI block in the same instant as the discard, before the
  // server has it, goes with the block: see the README).
  net.deliverAll(rng)
  undo.undo()
  net.deliverAll(rng)
  return { docs, typed: [...bob.typed, ...eve.typed], wroteBlocks }
}

function expectOnlyHumansLeft({ docs, typed }: Outcome): void {
  expect(converged(docs)).toBe(true)
  const blocks = blockTexts(contentOf(docs[0] as Y.Doc))
  const all = blocks.join('\n')
  // Every human character is still there, once.
  for (const marker of typed) expect(all.split(marker).length - 1, `${marker} in ${all}`).toBe(1)
  // No AI character is left: without the markers (and the blocks that held
  // only markers), the document is exactly what it was before the job.
  const rest = blocks.map((t) => t.replace(MARK, '')).filter((t) => t !== '')
  expect(rest).toEqual(blockTexts(BEFORE))
}

describe('discard under concurrent typing (seeded schedules)', () => {
  const SEEDS = Array.from({ length: 40 }, (_, i) => i + 1)

  it('continue writing with a heading first: all typing stays, all AI text goes', () => {
    for (const seed of SEEDS) {
      const outcome = discardUnderTyping((d) => ({ kind: 'insert', at: textPosition(d, 0, 16) }), GOLDENS.article ?? '', seed)
      expect(outcome.wroteBlocks).toBe(true)
      expectOnlyHumansLeft(outcome)
    }
  })

  it('continue writing inline, then more blocks', () => {
    for (const seed of SEEDS) {
      const md = 'and then some words.\n\nA second paragraph.\n\n- one\n- two'
      expectOnlyHumansLeft(discardUnderTyping((d) => ({ kind: 'insert', at: textPosition(d, 0, 16) }), md, seed))
    }
  })

  it('a rewrite that is discarded restores the original and keeps the typing', () => {
    for (const seed of SEEDS) {
      const outcome = discardUnderTyping(
        (d) => ({ kind: 'replace', from: textPosition(d, 1, 0), to: textPosition(d, 1, 18) }),
        '## Shorter\n\nRewrite, please.\n\n> quoted',
        seed,
      )
      expectOnlyHumansLeft(outcome)
    }
  })

  it('a rewrite across blocks that is discarded', () => {
    for (const seed of SEEDS.slice(0, 20)) {
      const outcome = discardUnderTyping((d) => ({ kind: 'replace', from: textPosition(d, 0, 5), to: textPosition(d, 2, 3) }), GOLDENS.article ?? '', seed, true)
      expectOnlyHumansLeft(outcome)
    }
  })
})

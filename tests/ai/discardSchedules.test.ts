/**
 * Discard never takes a person's words (issue 10). Over seeded schedules,
 * two collaborators type inside, before and after an AI job's blocks while
 * it streams and after it finishes, with updates delivered in random order;
 * then the requester takes it back: with the server's Discard, or with
 * Ctrl+Z in her own editor after Accept (client/src/ai/acceptUndo.ts; and
 * Ctrl+Shift+Z, which must give back exactly the accepted document). Every
 * character a person typed is still there, no character of the AI's is left,
 * and every peer holds the same document. (Without AcceptUndo's pause of
 * garbage collection, the rewrite cases fail: the original text is gone.)
 */
import type { JSONContent } from '@tiptap/core'
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { ySyncPluginKey } from '@tiptap/y-tiptap'
import { adoptCopies } from '../../shared/copies.ts'
import { jobUndoManager } from '../../server/ai/jobUndo.ts'
import { AcceptUndo } from '../../client/src/ai/acceptUndo.ts'
import { editorUndoManager } from '../../client/src/editor/undoManager.ts'
import { rangesFromDeleteSet } from '../../shared/itemRanges.ts'
import type { WriteTarget } from '../../server/ai/writer/index.ts'
import { GOLDENS } from '../ai-writer/goldens.ts'
import { AI_CLIENT, checkSchema, contentOf, docWith, fragmentOf, Network, para, randInt, randomChunks, seeded, textPosition, writerFor, type Rng } from '../ai-writer/helpers.ts'
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
    const marker = this.next()
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

  /** Ticks or unticks a random task box, as y-prosemirror applies it: an attribute of the item. */
  tick(): void {
    const item = pick(this.rng, elementsNamed(this.doc, 'taskItem')) as Y.XmlElement<{ checked?: boolean }> | undefined
    item?.setAttribute('checked', item.getAttribute('checked') !== true)
  }

  /**
   * What the editor's table menu does to a table, the AI's included: a row
   * after a random row, or a column (a cell in every row). Each new cell
   * holds an empty paragraph, or one of this person's characters.
   */
  tableEdit(): void {
    const table = pick(this.rng, elementsNamed(this.doc, 'table'))
    if (table === undefined) return
    const rows = table.toArray().filter((r): r is Y.XmlElement => r instanceof Y.XmlElement)
    const cell = (): Y.XmlElement => {
      const p = new Y.XmlElement('paragraph')
      if (this.rng() < 0.5) p.insert(0, [new Y.XmlText(this.next())])
      const c = new Y.XmlElement('tableCell')
      c.insert(0, [p])
      return c
    }
    this.doc.transact(() => {
      if (this.rng() < 0.5) {
        const after = pick(this.rng, rows)
        if (after === undefined) return
        const row = new Y.XmlElement('tableRow')
        row.insert(0, Array.from({ length: Math.max(1, after.length) }, cell))
        table.insertAfter(after, [row])
      } else {
        const at = randInt(this.rng, 0, Math.max(0, (rows[0]?.length ?? 1) - 1))
        for (const row of rows) row.insert(Math.min(at, row.length), [cell()])
      }
    })
  }

  private next(): string {
    const marker = String.fromCodePoint(this.base + this.n++)
    this.typed.push(marker)
    return marker
  }

  /**
   * Re-shapes a random top-level textblock the way y-prosemirror does, in
   * one transaction: splits it (Enter), or re-creates it as a heading.
   * Never one that `spare` names.
   */
  reshape(spare: (block: Y.XmlElement) => boolean): void {
    const fragment = fragmentOf(this.doc)
    const all = fragment.toArray()
    const blocks = all.filter((b): b is Y.XmlElement => b instanceof Y.XmlElement && b.get(0) instanceof Y.XmlText && (b.get(0) as Y.XmlText).length > 1 && !spare(b))
    const block = blocks[randInt(this.rng, 0, blocks.length - 1)]
    if (block === undefined) return
    const index = all.indexOf(block)
    const text = block.get(0) as Y.XmlText
    const copy = (ops: DeltaOp[]) => {
      const t = new Y.XmlText()
      t.applyDelta(ops)
      return t
    }
    this.doc.transact(() => {
      if (this.rng() < 0.5) {
        const at = randInt(this.rng, 1, text.length - 1)
        const tail = copy(sliceDelta(text.toDelta() as DeltaOp[], at))
        text.delete(at, text.length - at)
        const p = new Y.XmlElement(block.nodeName)
        p.insert(0, [tail])
        fragment.insert(index + 1, [p])
      } else {
        const h = new Y.XmlElement('heading')
        h.setAttribute('level', '2')
        h.insert(0, [copy(sliceDelta(text.toDelta() as DeltaOp[], 0))])
        fragment.delete(index, 1)
        fragment.insert(index, [h])
      }
    })
  }
}

function pick<T>(rng: Rng, from: readonly T[]): T | undefined {
  return from[randInt(rng, 0, from.length - 1)]
}

function elementsNamed(doc: Y.Doc, name: string): Y.XmlElement[] {
  const out: Y.XmlElement[] = []
  const walk = (node: Y.XmlFragment): void => {
    for (const child of node.toArray()) {
      if (!(child instanceof Y.XmlElement)) continue
      if (child.nodeName === name) out.push(child)
      walk(child)
    }
  }
  walk(fragmentOf(doc))
  return out
}

/** The block holds characters (now deleted) that the job's rewrite took. */
function holdsTakenWords(block: Y.XmlElement, undo: Y.UndoManager): boolean {
  const item = undo.undoStack[0]
  if (item === undefined) return false
  const text = block.get(0) as Y.XmlText
  for (let it = text._start; it !== null; it = it.right) {
    for (let i = 0; i < it.length; i++) if (Y.isDeleted(item.deletions, Y.createID(it.id.client, it.id.clock + i))) return true
  }
  return false
}

type DeltaOp = { insert?: unknown; attributes?: Record<string, unknown> }

/** The text delta from character `at` on. */
function sliceDelta(ops: DeltaOp[], at: number): DeltaOp[] {
  const out: DeltaOp[] = []
  let pos = 0
  for (const op of ops) {
    if (typeof op.insert !== 'string') continue
    const end = pos + op.insert.length
    if (end > at) out.push({ ...op, insert: op.insert.slice(Math.max(0, at - pos)) })
    pos = end
  }
  return out
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
interface Options {
  seenDeletion?: boolean
  /** After the job, people also split blocks and turn them into headings (AI blocks included). */
  reshape?: boolean
  /** How the job is taken back: the server's Discard, or the requester's Ctrl+Z after Accept. */
  takeBack?: 'discard' | 'undoAfterAccept'
  /** People also tick task boxes and add rows and columns to tables (the AI's among them). */
  structure?: boolean
}

/**
 * The requester's editor: the editor's own undo manager (the one the
 * client gives y-prosemirror), AcceptUndo holding deletions from the job's
 * start, and one edit of her own made before the job (under the origin the
 * editor's edits carry).
 */
class Requester {
  readonly um: Y.UndoManager
  readonly acceptUndo: AcceptUndo
  constructor(readonly doc: Y.Doc) {
    this.um = editorUndoManager(doc)
    this.acceptUndo = new AcceptUndo(doc, () => this.um)
  }
  typeOwn(marker: string): void {
    const first = fragmentOf(this.doc).get(0) as Y.XmlElement
    this.doc.transact(() => (first.get(0) as Y.XmlText).insert(0, marker), ySyncPluginKey)
  }
}

async function discardUnderTyping(target: (doc: Y.Doc) => WriteTarget, md: string, seed: number, { seenDeletion = false, takeBack = 'discard', reshape = false, structure = false }: Options = {}): Promise<Outcome> {
  const rng = seeded(seed)
  const ai = docWith(AI_CLIENT, BEFORE)
  const bob = new Typist(docWith(browserClientId(rng), BEFORE), 0x4e00, rng)
  const eve = new Typist(docWith(browserClientId(rng), BEFORE), 0xac00, rng)
  const alice = new Requester(docWith(browserClientId(rng), BEFORE))
  const docs = [ai, bob.doc, eve.doc, alice.doc]
  const net = new Network(docs)
  const aliceOwn = String.fromCodePoint(0x5000 + seed)
  alice.typeOwn(aliceOwn)
  alice.um.stopCapturing()
  net.deliverAll(rng)
  alice.acceptUndo.hold()
  const origin = { kind: 'ai', jobId: `job-${seed}` }
  const undo = jobUndoManager(fragmentOf(ai), origin)
  // As AiJob does for its room: copies people's editors make are the job's.
  ai.on('afterTransaction', (tr: Y.Transaction) => {
    if (tr.origin === net.origin) adoptCopies(undo, tr)
  })
  const writer = writerFor(ai, target(ai), origin)
  const typeSome = () => {
    if (rng() < 0.35) bob.type()
    if (rng() < 0.35) eve.type()
    if (!structure) return
    if (rng() < 0.3) (rng() < 0.5 ? bob : eve).tick()
    if (rng() < 0.12) (rng() < 0.5 ? bob : eve).tableEdit()
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
  if (reshape) {
    for (let i = 0; i < 6; i++) {
      // One at a time, with everyone caught up: two people re-shaping the
      // same block at once race in Yjs itself (one deletes what the other
      // types into), whatever the AI.
      net.deliverAll(rng)
      // Not a block a rewrite took words from: Discard could not put them
      // back into a re-created block (shared/copies.ts, the README).
      ;(rng() < 0.5 ? bob : eve).reshape((block) => holdsTakenWords(block, undo))
      net.deliverAll(rng)
    }
  }
  const wroteBlocks = fragmentOf(ai).length > BEFORE.length
  // The requester discards once the server has everyone's typing (a word
  // typed into an AI block in the same instant as the discard, before the
  // server has it, goes with the block: see the README).
  net.deliverAll(rng)
  const typed = [...bob.typed, ...eve.typed, aliceOwn]
  if (takeBack === 'discard') undo.undo()
  else {
    const accepted = contentOf(ai)
    const item = undo.undoStack[0] as (typeof undo.undoStack)[number]
    const history = { insertions: rangesFromDeleteSet(item.insertions), deletions: rangesFromDeleteSet(item.deletions) }
    undo.destroy() // accepted: the server forgets it
    alice.acceptUndo.release()
    expect(await alice.acceptUndo.push(history)).toBe(true)
    expect(alice.um.undoStack.length).toBe(2)
    alice.um.undo()
    // Her own earlier edit keeps its place: next on her stack.
    expect(alice.um.undoStack.length).toBe(1)
    // Redo brings the AI's text back, around everyone's typing, then Undo again.
    net.deliverAll(rng)
    alice.um.redo()
    net.deliverAll(rng)
    expect(converged(docs)).toBe(true)
    // Exactly the accepted document again (a character typed into the
    // selection before the rewrite took it is the rewrite's to take again);
    // after re-shaping, the same characters (blocks may be cut differently).
    if (reshape) expect(sortedChars(blockTexts(contentOf(ai)))).toBe(sortedChars(blockTexts(accepted)))
    else expect(contentOf(ai)).toEqual(accepted)
    alice.um.undo()
  }
  net.deliverAll(rng)
  return { docs, typed, wroteBlocks }
}

function sortedChars(texts: string[]): string {
  return [...texts.join('')].sort().join('')
}

function withoutMarkers(content: JSONContent[]): string[] {
  return blockTexts(content)
    .map((t) => t.replace(MARK, ''))
    .filter((t) => t !== '')
}

function expectOnlyHumansLeft({ docs, typed }: Outcome, reshaped = false): void {
  expect(converged(docs)).toBe(true)
  checkSchema(docs[0] as Y.Doc)
  const blocks = blockTexts(contentOf(docs[0] as Y.Doc))
  const all = blocks.join('\n')
  // Every human character is still there, once.
  for (const marker of typed) expect(all.split(marker).length - 1, `${marker} in ${all}`).toBe(1)
  // No AI character is left: without the markers (and the blocks that held
  // only markers), the document is exactly what it was before the job.
  // After re-shaping, the same characters (block boundaries move with splits).
  if (reshaped) expect(sortedChars(withoutMarkers(contentOf(docs[0] as Y.Doc)))).toBe(sortedChars(blockTexts(BEFORE)))
  else expect(withoutMarkers(contentOf(docs[0] as Y.Doc))).toEqual(blockTexts(BEFORE))
}

const SEEDS = Array.from({ length: 30 }, (_, i) => i + 1)
const RESHAPE_SEEDS = Array.from({ length: Number(process.env.RESHAPE_SEEDS ?? 15) }, (_, i) => i + 1)
const ARTICLE = GOLDENS.article ?? ''

const CASES: Array<{ name: string; target: (d: Y.Doc) => WriteTarget; md: string; seenDeletion?: boolean; blocks?: boolean; structure?: boolean }> = [
  { name: 'continue writing with a heading first', target: (d) => ({ kind: 'insert', at: textPosition(d, 0, 16) }), md: ARTICLE, blocks: true },
  {
    name: 'continue writing inline, then more blocks',
    target: (d) => ({ kind: 'insert', at: textPosition(d, 0, 16) }),
    md: 'and then some words.\n\nA second paragraph.\n\n- one\n- two',
  },
  {
    name: 'a rewrite of one paragraph (the original comes back)',
    target: (d) => ({ kind: 'replace', from: textPosition(d, 1, 0), to: textPosition(d, 1, 18) }),
    md: '## Shorter\n\nRewrite, please.\n\n> quoted',
  },
  {
    name: 'a table and task lists, while people type in its cells, tick its boxes and add rows and columns',
    target: (d) => ({ kind: 'insert', at: textPosition(d, 0, 16) }),
    md: GOLDENS.tablesAndTasks ?? '',
    blocks: true,
    structure: true,
  },
  {
    name: 'a rewrite into a table and task list, with the same',
    target: (d) => ({ kind: 'replace', from: textPosition(d, 1, 0), to: textPosition(d, 1, 18) }),
    md: '| Step | Done |\n|---|---|\n| write | **yes** |\n| ship | [no](https://x.example) |\n\n- [ ] tell Bo\n- [x] tell Ann',
    structure: true,
  },
  {
    name: 'a rewrite across blocks (the original comes back)',
    target: (d) => ({ kind: 'replace', from: textPosition(d, 0, 5), to: textPosition(d, 2, 3) }),
    md: ARTICLE,
    seenDeletion: true,
  },
]

describe.each([
  ['Discard', 'discard'],
  ['Ctrl+Z after Accept', 'undoAfterAccept'],
] as const)('%s under concurrent typing (seeded schedules)', (_label, takeBack) => {
  for (const c of CASES) {
    it(`${c.name}: every person's character stays, every AI character goes, all peers agree`, async () => {
      for (const seed of SEEDS) {
        const outcome = await discardUnderTyping(c.target, c.md, seed, { seenDeletion: c.seenDeletion, takeBack, structure: c.structure })
        if (c.blocks) expect(outcome.wroteBlocks).toBe(true)
        expectOnlyHumansLeft(outcome)
      }
    })
    it(`${c.name}, and people split and re-shape blocks, the AI's among them: still exactly the AI's characters go`, async () => {
      for (const seed of RESHAPE_SEEDS) {
        expectOnlyHumansLeft(await discardUnderTyping(c.target, c.md, seed, { seenDeletion: c.seenDeletion, takeBack, reshape: true, structure: c.structure }), true)
      }
    })
  }
})

describe('a block someone typed into keeps its type', () => {
  it.each([
    ['Discard', 'discard'],
    ['Ctrl+Z after Accept', 'undoAfterAccept'],
  ] as const)('%s keeps an AI heading, code block and ordered list that hold a person\'s words, with their attributes', async (_label, takeBack) => {
    const md = '## Level two\n\n```js\nlet x = 1\n```\n\n3. third\n4. fourth'
    const rng = seeded(99)
    const ai = docWith(AI_CLIENT, BEFORE)
    const bob = docWith(browserClientId(rng), BEFORE)
    const alice = new Requester(docWith(browserClientId(rng), BEFORE))
    const net = new Network([ai, bob, alice.doc])
    alice.acceptUndo.hold()
    const origin = { kind: 'ai', jobId: 'attrs' }
    const undo = jobUndoManager(fragmentOf(ai), origin)
    const writer = writerFor(ai, { kind: 'insert', at: textPosition(ai, 0, 16) }, origin)
    writer.push(md)
    writer.finish()
    net.deliverAll(rng)
    // Bob types into the heading, the code block and the second list item.
    const texts = allTexts(bob).filter((t) => /Level two|let x|fourth/.test(t.toString()))
    expect(texts.length).toBe(3)
    for (const t of texts) t.insert(t.length, ' BOB')
    net.deliverAll(rng)
    if (takeBack === 'discard') undo.undo()
    else {
      const item = undo.undoStack[0] as (typeof undo.undoStack)[number]
      expect(await alice.acceptUndo.push({ insertions: rangesFromDeleteSet(item.insertions), deletions: rangesFromDeleteSet(item.deletions) })).toBe(true)
      alice.um.undo()
    }
    net.deliverAll(rng)
    expect(converged([ai, bob, alice.doc])).toBe(true)
    const blocks = contentOf(ai).filter((b) => JSON.stringify(b).includes('BOB'))
    expect(blocks.map((b) => [b.type, b.attrs])).toEqual([
      ['heading', { level: 2 }],
      ['codeBlock', { language: 'js' }],
      ['orderedList', expect.objectContaining({ start: 3 })],
    ])
    expect(blockTexts(blocks)).toEqual([' BOB', ' BOB', ' BOB'])
  })
})

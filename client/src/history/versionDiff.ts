/**
 * What changed between a version and the current document, as a tree the
 * History panel renders (issue 12). Pure: no DOM, so the benchmark runs it
 * on the server's 100k-edit document as the browser would.
 *
 * The comparison reads chronologically: the version is the old side, the
 * current document the new one. "added" is text written since the version,
 * "removed" text the version had and the document no longer has. Restoring
 * the version takes back the added and brings back the removed.
 *
 * Blocks are matched the way restore matches them (server/versions/restore.ts)
 * but by content, since a version's JSON carries no Yjs ids: equal blocks
 * line up by a longest-common-subsequence diff; in a run that differs, blocks
 * of the same type pair up as "changed" and are compared inside (words for
 * paragraphs and headings, child blocks for lists, quotes and tables), and
 * the rest are whole blocks added or removed.
 */
import { diffArrays } from 'diff'

/** ProseMirror's JSON for a node, as the editor's getJSON() and the version API give it. */
export interface DocJson {
  type: string
  attrs?: Record<string, unknown>
  content?: DocJson[]
  text?: string
  marks?: MarkJson[]
}

export interface MarkJson {
  type: string
  attrs?: Record<string, unknown>
}

export type Change = 'same' | 'added' | 'removed' | 'changed'

export interface BlockDiff {
  change: Change
  /** The node as it is now; for a removed block, as the version had it. */
  node: DocJson
  /** For a changed block: the version's node. */
  old?: DocJson
  /** For a changed block with inline content: its words. */
  inline?: InlinePiece[]
  /** For a changed container: its child blocks. */
  children?: BlockDiff[]
}

export interface InlinePiece {
  change: 'same' | 'added' | 'removed'
  /** A run of text with its marks, or an inline node without text (a hard break). */
  text?: string
  marks?: MarkJson[]
  node?: DocJson
}

export interface DiffStats {
  added: number
  removed: number
  changed: number
}

export interface VersionDiff {
  blocks: BlockDiff[]
  stats: DiffStats
}

/** Types whose content is text, matched word by word. */
const TEXTBLOCKS = new Set(['paragraph', 'heading', 'codeBlock'])

export function diffDocs(version: DocJson, current: DocJson): VersionDiff {
  const stats: DiffStats = { added: 0, removed: 0, changed: 0 }
  const blocks = diffBlocks(version.content ?? [], current.content ?? [], stats)
  return { blocks, stats }
}

export function hasChanges(diff: VersionDiff): boolean {
  return diff.stats.added + diff.stats.removed + diff.stats.changed > 0
}

/**
 * Lines up two lists of sibling blocks. Blocks whose content occurs exactly
 * once on each side anchor the alignment (patience diff: the longest series
 * of them in the same order on both sides). Between anchors, equal ends are
 * trimmed and jsdiff's longest-common-subsequence diff runs on the rest,
 * bounded: past MAX_GAP_EDITS edits (a version from long ago, where little
 * is equal) the gap is compared as one run (pairUp). jsdiff alone, on a
 * 1000-block document with most blocks changed, took about a second: it
 * allocates a path for every step of its search.
 */
function diffBlocks(oldBlocks: DocJson[], newBlocks: DocJson[], stats: DiffStats): BlockDiff[] {
  const interned = new Map<string, number>()
  const idOf = (block: DocJson): number => {
    const key = keyOf(block)
    let id = interned.get(key)
    if (id === undefined) interned.set(key, (id = interned.size))
    return id
  }
  const oldIds = oldBlocks.map(idOf)
  const newIds = newBlocks.map(idOf)
  const out: BlockDiff[] = []
  const same = (n: number) => out.push({ change: 'same', node: newBlocks[n]! })

  const middle = (o0: number, o1: number, n0: number, n1: number) => {
    if (o0 === o1 && n0 === n1) return
    const oldPart = oldIds.slice(o0, o1)
    const newPart = newIds.slice(n0, n1)
    const parts = sharesAny(oldPart, newPart) ? diffArrays(oldPart, newPart, { maxEditLength: MAX_GAP_EDITS }) : undefined
    if (!parts) {
      out.push(...pairUp(oldBlocks.slice(o0, o1), newBlocks.slice(n0, n1), stats))
      return
    }
    let o = o0
    let n = n0
    let removed: DocJson[] = []
    let added: DocJson[] = []
    const flush = () => {
      if (removed.length || added.length) out.push(...pairUp(removed, added, stats))
      removed = []
      added = []
    }
    for (const part of parts) {
      const count = part.value.length
      if (part.removed) {
        removed.push(...oldBlocks.slice(o, o + count))
        o += count
      } else if (part.added) {
        added.push(...newBlocks.slice(n, n + count))
        n += count
      } else {
        flush()
        for (let i = 0; i < count; i++) same(n + i)
        o += count
        n += count
      }
    }
    flush()
  }

  const gap = (o0: number, o1: number, n0: number, n1: number) => {
    while (o0 < o1 && n0 < n1 && oldIds[o0] === newIds[n0]) {
      same(n0)
      o0++
      n0++
    }
    let tail = 0
    while (o1 - tail > o0 && n1 - tail > n0 && oldIds[o1 - tail - 1] === newIds[n1 - tail - 1]) tail++
    middle(o0, o1 - tail, n0, n1 - tail)
    for (let i = n1 - tail; i < n1; i++) same(i)
  }

  let o = 0
  let n = 0
  for (const [oa, na] of anchors(oldIds, newIds)) {
    gap(o, oa, n, na)
    same(na)
    o = oa + 1
    n = na + 1
  }
  gap(o, oldIds.length, n, newIds.length)
  return out
}

/** Between anchors, a diff with more edits than this compares the gap as one run. */
const MAX_GAP_EDITS = 100

function sharesAny(a: number[], b: number[]): boolean {
  if (!a.length || !b.length) return false
  const seen = new Set(a)
  return b.some((id) => seen.has(id))
}

/**
 * Pairs (old index, new index) of blocks unique on both sides: the longest
 * series in the same order on both (a longest increasing subsequence of
 * their new positions, taken in old order).
 */
function anchors(oldIds: number[], newIds: number[]): Array<[number, number]> {
  const oldCount = new Map<number, number>()
  for (const id of oldIds) oldCount.set(id, (oldCount.get(id) ?? 0) + 1)
  const newCount = new Map<number, number>()
  const newAt = new Map<number, number>()
  newIds.forEach((id, i) => {
    newCount.set(id, (newCount.get(id) ?? 0) + 1)
    newAt.set(id, i)
  })
  const candidates: Array<[number, number]> = []
  oldIds.forEach((id, i) => {
    if (oldCount.get(id) === 1 && newCount.get(id) === 1) candidates.push([i, newAt.get(id)!])
  })
  // Patience sorting: tails[k] is the candidate ending the best series of length k + 1 found so far.
  const tails: number[] = []
  const previous = new Int32Array(candidates.length).fill(-1)
  candidates.forEach(([, at], c) => {
    let lo = 0
    let hi = tails.length
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      if (candidates[tails[mid]!]![1] < at) lo = mid + 1
      else hi = mid
    }
    if (lo > 0) previous[c] = tails[lo - 1]!
    tails[lo] = c
  })
  const series: Array<[number, number]> = []
  for (let c = tails.length ? tails[tails.length - 1]! : -1; c >= 0; c = previous[c]!) series.push(candidates[c]!)
  return series.reverse()
}

/**
 * One run of differing blocks: the version's `removed` stood where the
 * document now has `added`. Blocks pair up, in order, as edits of each other
 * when they are of the same type and alike enough (a paragraph with a
 * sentence added is that paragraph edited, not a new one); the rest are
 * whole blocks gone or new. The best pairing is found by dynamic
 * programming over the run, which is small in practice; in a huge run (a
 * version from long ago) each block pairs with the most alike of the next
 * few.
 */
function pairUp(removed: DocJson[], added: DocJson[], stats: DiffStats): BlockDiff[] {
  const pairs = removed.length * added.length <= MAX_PAIRING_CELLS ? pairBySimilarity(removed, added) : pairNearby(removed, added)
  const out: BlockDiff[] = []
  let r = 0
  let a = 0
  const flushUntil = (rEnd: number, aEnd: number) => {
    for (; r < rEnd; r++) {
      stats.removed++
      out.push({ change: 'removed', node: removed[r]! })
    }
    for (; a < aEnd; a++) {
      stats.added++
      out.push({ change: 'added', node: added[a]! })
    }
  }
  for (const [i, j] of pairs) {
    flushUntil(i, j)
    out.push(changedBlock(removed[r++]!, added[a++]!, stats))
  }
  flushUntil(removed.length, added.length)
  return out
}

/** Above this many candidate pairs, pairing looks only a few blocks ahead. */
const MAX_PAIRING_CELLS = 40_000
/** Same-type blocks at least this alike are one block edited. */
const MIN_SIMILARITY = 0.3

function pairBySimilarity(removed: DocJson[], added: DocJson[]): Array<[number, number]> {
  const rWords = removed.map(wordsOf)
  const aWords = added.map(wordsOf)
  const rows = removed.length + 1
  const cols = added.length + 1
  const best = new Float64Array(rows * cols)
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      let score = Math.max(best[(i - 1) * cols + j]!, best[i * cols + j - 1]!)
      const sim = pairScore(removed[i - 1]!, added[j - 1]!, rWords[i - 1]!, aWords[j - 1]!)
      if (sim >= MIN_SIMILARITY) score = Math.max(score, best[(i - 1) * cols + j - 1]! + sim)
      best[i * cols + j] = score
    }
  }
  const pairs: Array<[number, number]> = []
  let i = removed.length
  let j = added.length
  while (i > 0 && j > 0) {
    const here = best[i * cols + j]!
    if (here === best[(i - 1) * cols + j]) i--
    else if (here === best[i * cols + j - 1]) j--
    else {
      pairs.push([i - 1, j - 1])
      i--
      j--
    }
  }
  return pairs.reverse()
}

/** For huge runs: each old block pairs with the most alike same-type block among the next PAIRING_WINDOW new ones. */
function pairNearby(removed: DocJson[], added: DocJson[]): Array<[number, number]> {
  const addedWords = added.map(wordsOf)
  const pairs: Array<[number, number]> = []
  let from = 0
  removed.forEach((block, r) => {
    const words = wordsOf(block)
    let best = -1
    let bestSim = MIN_SIMILARITY
    for (let a = from; a < Math.min(added.length, from + PAIRING_WINDOW); a++) {
      const sim = pairScore(block, added[a]!, words, addedWords[a]!)
      if (sim >= bestSim) {
        bestSim = sim
        best = a
        if (sim === 1) break
      }
    }
    if (best < 0) return
    pairs.push([r, best])
    from = best + 1
  })
  return pairs
}

const PAIRING_WINDOW = 8

/**
 * How much `old` and `now` are one block edited: their similarity, or 0
 * when they can't be (different types). Table cells hold a place in their
 * row, so two cells always pair, at least at MIN_SIMILARITY: a cell whose
 * text was replaced, or made a header cell (turning the header row on or
 * off changes its cells' type), is that cell changed. Compared as a cell
 * removed and one added, the inline view's row grew a cell longer than the
 * others with every such edit.
 */
function pairScore(old: DocJson, now: DocJson, oldWords: Map<string, number>, nowWords: Map<string, number>): number {
  const cells = CELLS.has(old.type) && CELLS.has(now.type)
  if (!cells && old.type !== now.type) return 0
  const sim = similarity(oldWords, nowWords)
  return cells ? Math.max(sim, MIN_SIMILARITY) : sim
}

const CELLS = new Set(['tableCell', 'tableHeader'])

/** The words of a block and everything in it, counted. */
function wordsOf(node: DocJson): Map<string, number> {
  const counts = new Map<string, number>()
  const visit = (n: DocJson) => {
    if (n.text !== undefined) {
      for (const word of n.text.match(/[\p{L}\p{N}_'’]+/gu) ?? []) counts.set(word, (counts.get(word) ?? 0) + 1)
    }
    n.content?.forEach(visit)
  }
  visit(node)
  return counts
}

/**
 * How alike two blocks' words are, 0 to 1: Dice's coefficient, or, for a
 * short block that grew into a long one (a title with a sentence typed
 * after it), how much of the shorter is in the longer, discounted. An empty
 * block and a filled one are the same block filled in; two empty ones are
 * alike.
 */
function similarity(a: Map<string, number>, b: Map<string, number>): number {
  let sizeA = 0
  let sizeB = 0
  let common = 0
  for (const n of a.values()) sizeA += n
  for (const [word, n] of b) {
    sizeB += n
    common += Math.min(n, a.get(word) ?? 0)
  }
  if (sizeA === 0 || sizeB === 0) return sizeA === sizeB ? 1 : FILLED_IN
  return Math.max((2 * common) / (sizeA + sizeB), OVERLAP_WEIGHT * (common / Math.min(sizeA, sizeB)))
}

const FILLED_IN = 0.5
const OVERLAP_WEIGHT = 0.6

function changedBlock(old: DocJson, now: DocJson, stats: DiffStats): BlockDiff {
  // Equal blocks can pair up inside a run compared as a whole.
  if (keyOf(old) === keyOf(now)) return { change: 'same', node: now }
  if (isTextblock(old) || isTextblock(now)) {
    stats.changed++
    return { change: 'changed', node: now, old, inline: diffInline(old.content ?? [], now.content ?? []) }
  }
  if (old.content || now.content) {
    const children = diffBlocks(old.content ?? [], now.content ?? [], stats)
    // A list item ticked, a cell made a header: the container's own attributes or type changed.
    if (keyOf({ ...old, content: [] }) !== keyOf({ ...now, content: [] })) stats.changed++
    return { change: 'changed', node: now, old, children }
  }
  stats.changed++
  return { change: 'changed', node: now, old }
}

function isTextblock(node: DocJson): boolean {
  return TEXTBLOCKS.has(node.type) || (node.content?.some((child) => child.type === 'text') ?? false)
}

interface Token {
  key: string
  text?: string
  marks?: MarkJson[]
  node?: DocJson
}

/** Words, runs of spaces and single other characters: what a reader sees as changed. */
const WORDS = /[\p{L}\p{N}_'’]+|\s+|[^\p{L}\p{N}_'’\s]/gu

function tokens(content: DocJson[]): Token[] {
  const out: Token[] = []
  for (const child of content) {
    if (child.type !== 'text' || child.text === undefined) {
      out.push({ key: `node:${keyOf(child)}`, node: child })
      continue
    }
    const marksKey = child.marks?.length ? JSON.stringify(child.marks) : ''
    for (const word of child.text.match(WORDS) ?? []) out.push({ key: `${marksKey}\u0000${word}`, text: word, marks: child.marks })
  }
  return out
}

function diffInline(oldContent: DocJson[], newContent: DocJson[]): InlinePiece[] {
  const oldTokens = tokens(oldContent)
  const newTokens = tokens(newContent)
  const out: InlinePiece[] = []
  let o = 0
  let n = 0
  for (const part of diffArrays(
    oldTokens.map((t) => t.key),
    newTokens.map((t) => t.key),
  )) {
    const count = part.value.length
    const change = part.added ? 'added' : part.removed ? 'removed' : 'same'
    const source = part.removed ? oldTokens.slice(o, o + count) : newTokens.slice(n, n + count)
    if (part.removed) o += count
    else if (part.added) n += count
    else {
      o += count
      n += count
    }
    for (const token of source) push(out, change, token)
  }
  return out
}

/** Appends a token, joining it to the previous piece when change and marks agree. */
function push(out: InlinePiece[], change: InlinePiece['change'], token: Token): void {
  if (token.node) {
    out.push({ change, node: token.node })
    return
  }
  const last = out[out.length - 1]
  if (last && last.text !== undefined && last.change === change && last.marks === token.marks) {
    last.text += token.text!
    return
  }
  out.push({ change, text: token.text, marks: token.marks })
}

/** The node's identity for matching: its whole JSON. */
function keyOf(node: DocJson): string {
  return JSON.stringify(node)
}

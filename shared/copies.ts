/**
 * Copies that editors make of text, found so the text keeps its history:
 * an AI job keeps its text (its mark and its Discard cover the copies), and
 * Yjs's undo, on the server's Discard and in every editor, finds its way to
 * the copies.
 *
 * Yjs has no move. When someone presses Enter inside a paragraph the AI
 * wrote, turns it into a heading or wraps it in a list, y-prosemirror
 * deletes the AI's characters (or its whole element) and inserts the same
 * text again, as that person's new items, in the same transaction. Without
 * this, that text would stop being the AI's: unmarked, and left behind by
 * Discard.
 *
 * The rule: within one transaction from a connection, a run of newly
 * inserted characters (in one text node, in document order) that equals a
 * run of characters the same transaction deleted is a copy, and each copied
 * character takes the authorship of the one it copies: copies of the job's
 * characters become the job's, copies of a person's characters stay theirs.
 * A person's own new words never equal what they deleted except when it is
 * a copy, so short runs (a retyped letter) must match a deleted run whole.
 * New elements whose visible content is all adopted are adopted as well, so
 * Discard does not leave an empty heading or list item behind.
 */
import * as Y from 'yjs'
import { deleteSetFromRanges, type ItemRanges } from './itemRanges.ts'

/**
 * Server documents use client ids below this (server/collab/room.ts: small,
 * so the AI's text wins the left side of concurrent inserts); browsers pick
 * random ids above it.
 */
export const SERVER_CLIENT_ID_LIMIT = 0x10000

export function isServerClient(client: number): boolean {
  return client < SERVER_CLIENT_ID_LIMIT
}

/** Shorter inserted runs are adopted only when they equal a whole deleted run. */
const MIN_PARTIAL_MATCH = 4

interface Char {
  ch: string
  client: number
  clock: number
}

/**
 * Runs of characters of `members`, per parent text node, in document order.
 * A run goes on across what is invisible (format markers, characters deleted
 * before) and ends at anything visible that is not a member.
 */
function runsOf(members: ReadonlySet<Y.Item>): Char[][] {
  const parents = new Set<Y.AbstractType<unknown>>()
  for (const item of members) if (item.content instanceof Y.ContentString && item.parent instanceof Y.AbstractType) parents.add(item.parent)
  const runs: Char[][] = []
  for (const parent of parents) {
    let run: Char[] = []
    for (let item = parent._start; item !== null; item = item.right) {
      if (members.has(item)) {
        if (!(item.content instanceof Y.ContentString)) continue
        const str = item.content.str
        for (let i = 0; i < str.length; i++) run.push({ ch: str[i] as string, client: item.id.client, clock: item.id.clock + i })
      } else if (item.countable && !item.deleted && run.length > 0) {
        runs.push(run)
        run = []
      }
    }
    if (run.length > 0) runs.push(run)
  }
  return runs
}

function itemsIn(store: Y.Doc['store'], client: number, from: number, to: number): Y.Item[] {
  const structs = store.clients.get(client)
  if (structs === undefined || from >= to) return []
  const out: Y.Item[] = []
  for (let i = Y.findIndexSS(structs, from); i < structs.length; i++) {
    const s = structs[i]
    if (s === undefined || s.id.clock >= to) break
    if (s instanceof Y.Item) out.push(s)
  }
  return out
}

function deletedItems(tr: Y.Transaction): Y.Item[] {
  const out: Y.Item[] = []
  Y.iterateDeletedStructs(tr, tr.deleteSet, (s) => {
    if (s instanceof Y.Item) out.push(s)
  })
  return out
}

function insertedItems(tr: Y.Transaction): Y.Item[] {
  const out: Y.Item[] = []
  for (const [client, end] of tr.afterState) out.push(...itemsIn(tr.doc.store, client, tr.beforeState.get(client) ?? 0, end))
  return out
}

function add(ranges: Map<number, number[]>, client: number, clock: number, len: number): void {
  const flat = ranges.get(client) ?? []
  const last = flat.length - 2
  if (last >= 0 && (flat[last] as number) + (flat[last + 1] as number) === clock) flat[last + 1] = (flat[last + 1] as number) + len
  else flat.push(clock, len)
  ranges.set(client, flat)
}

/** A run of new characters and the deleted characters it copies, aligned. */
interface CopyPair {
  source: Char[]
  copy: Char[]
}

interface Copies {
  pairs: CopyPair[]
  deleted: ReadonlySet<Y.Item>
  inserted: ReadonlySet<Y.Item>
}

/** What `tr` copied: runs it inserted that equal runs it deleted. Null when it copied nothing. */
function copiesIn(tr: Y.Transaction): Copies | null {
  const deletedList = deletedItems(tr)
  // A copy needs both: a transaction that only types or only deletes is the common case.
  if (!deletedList.some((item) => item.content instanceof Y.ContentString || item.content instanceof Y.ContentType)) return null
  const insertedList = insertedItems(tr).filter((item) => !item.deleted)
  if (!insertedList.some((item) => item.content instanceof Y.ContentString)) return null
  const deleted = new Set(deletedList)
  const inserted = new Set(insertedList)
  const sources = runsOf(deleted)
  const pairs: CopyPair[] = []
  for (const copy of runsOf(inserted)) {
    const text = copy.map((c) => c.ch).join('')
    for (const source of sources) {
      const sourceText = source.map((c) => c.ch).join('')
      const at = text === sourceText ? 0 : text.length >= MIN_PARTIAL_MATCH && text.length < sourceText.length ? sourceText.indexOf(text) : -1
      if (at < 0) continue
      pairs.push({ source: source.slice(at, at + copy.length), copy })
      break
    }
  }
  return pairs.length === 0 ? null : { pairs, deleted, inserted }
}

/**
 * The items of `tr` that copy the job's items (`isJobItem`), as ranges to
 * add to the job.
 */
export function adoptedCopies(tr: Y.Transaction, isJobItem: (id: Y.ID) => boolean): ItemRanges {
  return adoptFrom(copiesIn(tr), isJobItem)
}

function adoptFrom(found: Copies | null, isJobItem: (id: Y.ID) => boolean): ItemRanges {
  if (found === null) return []
  const adopted = new Map<number, number[]>()
  const adoptedIds = new Set<string>()
  for (const { source, copy } of found.pairs) {
    copy.forEach((c, i) => {
      const from = source[i] as Char
      if (!isJobItem(Y.createID(from.client, from.clock))) return
      add(adopted, c.client, c.clock, 1)
      adoptedIds.add(`${c.client}:${c.clock}`)
    })
  }
  if (adoptedIds.size === 0) return []
  // New text nodes and blocks that hold nothing but adopted characters.
  const allAdopted = (type: Y.AbstractType<unknown>): boolean => {
    let any = false
    for (let item = type._start; item !== null; item = item.right) {
      if (item.deleted || !item.countable) continue
      if (item.content instanceof Y.ContentString) {
        for (let i = 0; i < item.length; i++) if (!adoptedIds.has(`${item.id.client}:${item.id.clock + i}`)) return false
        any = true
      } else if (item.content instanceof Y.ContentType) {
        if (!found.inserted.has(item) || !allAdopted(item.content.type)) return false
        any = true
      } else return false
    }
    return any
  }
  for (const item of found.inserted) {
    if (item.content instanceof Y.ContentType && allAdopted(item.content.type)) add(adopted, item.id.client, item.id.clock, 1)
  }
  return [...adopted].map(([client, flat]) => [client, flat])
}

/**
 * Tells Yjs's undo where the copied text went, with the links it uses for
 * its own redone items (`Item.redone`): each copied character, and a text
 * node or block the copy replaced, point to their copies. Discard restoring
 * what a rewrite deleted then finds its way into the copy: words a rewrite
 * took from a paragraph someone has since split or turned into a heading
 * come back there instead of being lost with the old block.
 */
function linkCopies(tr: Y.Transaction, found: Copies): void {
  const link = (from: Y.Item | null, to: Y.Item | null): void => {
    if (from === null || to === null || from.redone !== null || !found.deleted.has(from) || !found.inserted.has(to)) return
    from.redone = to.id
    keep(from)
    keep(to)
  }
  for (const { source, copy } of found.pairs) {
    // The containers: text node, then its block.
    const first = charItem(tr, source[0] as Char)
    const firstCopy = charItem(tr, copy[0] as Char)
    const text = parentItem(first)
    const copyText = parentItem(firstCopy)
    link(text, copyText)
    link(parentItem(text), parentItem(copyText))
    // The characters, in pieces that are contiguous on both sides.
    let i = 0
    while (i < source.length) {
      let j = i + 1
      while (
        j < source.length &&
        (source[j] as Char).client === (source[i] as Char).client &&
        (source[j] as Char).clock === (source[i] as Char).clock + (j - i) &&
        (copy[j] as Char).client === (copy[i] as Char).client &&
        (copy[j] as Char).clock === (copy[i] as Char).clock + (j - i)
      )
        j++
      const from = source[i] as Char
      const piece = Y.getItemCleanStart(tr, Y.createID(from.client, from.clock))
      if (piece.length > j - i) Y.getItemCleanStart(tr, Y.createID(from.client, from.clock + (j - i)))
      if (piece.redone === null && piece.deleted) {
        piece.redone = Y.createID((copy[i] as Char).client, (copy[i] as Char).clock)
        keep(piece)
        keep(charItem(tr, copy[i] as Char))
      }
      i = j
    }
  }
}

/**
 * Never garbage-collect a linked item or its ancestors (Yjs's own keepItem
 * does the same for what an UndoManager may restore): a link into a
 * collected struct would leave the undo with nowhere to go.
 */
function keep(item: Y.Item | null): void {
  while (item !== null && !item.keep) {
    item.keep = true
    item = parentItem(item)
  }
}

function charItem(tr: Y.Transaction, c: Char): Y.Item {
  return Y.getItemCleanStart(tr, Y.createID(c.client, c.clock))
}

function parentItem(item: Y.Item | null): Y.Item | null {
  const parent = item?.parent
  return parent instanceof Y.AbstractType ? parent._item : null
}

/**
 * Adds the copies `tr` made of the job's items to the job's undo record (its
 * one stack item), and links every copy for the undo (see linkCopies).
 * Returns whether it adopted anything.
 */
export function adoptCopies(undo: Y.UndoManager, tr: Y.Transaction): boolean {
  const item = undo.undoStack[0]
  if (item === undefined) return false
  const found = copiesIn(tr)
  if (found === null) return false
  linkCopies(tr, found)
  const adopted = adoptFrom(found, (id) => Y.isDeleted(item.insertions, id))
  if (adopted.length === 0) return false
  item.insertions = Y.mergeDeleteSets([item.insertions, deleteSetFromRanges(adopted)])
  return true
}

/**
 * Links the copies every transaction of `doc` makes (see linkCopies), for
 * the editor's own undo stack and Undo after Accept. Returns a function that
 * stops.
 */
export function trackCopies(doc: Y.Doc): () => void {
  const onTransaction = (tr: Y.Transaction) => {
    // The server's own writes (an AI job rewriting, a Discard) are not a
    // person re-shaping text: a rewrite that repeats a phrase of the text it
    // replaces must not link the old words to the new ones, or undoing it
    // could not bring the old words back.
    for (const [client, end] of tr.afterState) if (isServerClient(client) && end > (tr.beforeState.get(client) ?? 0)) return
    // Undo and redo keep their own links (they re-create items as copies).
    if (tr.origin instanceof Y.UndoManager) return
    const found = copiesIn(tr)
    if (found !== null) linkCopies(tr, found)
  }
  doc.on('afterTransaction', onTransaction)
  return () => doc.off('afterTransaction', onTransaction)
}

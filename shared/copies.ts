/**
 * Copies that a person's editor makes of an AI job's text, found so the job
 * keeps them: its pending mark and its Discard cover the copies too.
 *
 * Yjs has no move. When someone presses Enter inside a paragraph the AI
 * wrote, turns it into a heading or wraps it in a list or a quote,
 * y-prosemirror deletes the AI's characters (or its whole element) and
 * inserts the same text again, as that person's new items, in the same
 * transaction. Without this, that text would stop being the AI's: unmarked,
 * and left behind by Discard.
 *
 * The rule: within one transaction from a person, a run of newly inserted
 * characters (in one text node, in document order) that equals a run of
 * characters the same transaction deleted is a copy, and each copied
 * character takes the authorship of the one it copies: copies of the job's
 * characters become the job's, copies of a person's characters stay theirs.
 * A shorter copy counts only when what it leaves out of the deleted run is
 * not the job's (a heading shortcut drops the person's "# "); so replacing
 * the AI's "Sales were flat in March." with one's own "March" adopts
 * nothing. New blocks that hold nothing but adopted text (and empty leaves
 * such as a hard break or a rule, which have no text to compare) are
 * adopted as well, so Discard leaves no empty heading, list or quote.
 *
 * Matching costs time linear in the transaction's size (whole runs are
 * looked up by their text); the partial matches are tried only for a
 * transaction with a few runs, as a re-shape has.
 *
 * What this does not do: undo cannot follow a re-shaped block. Words a
 * rewrite took out of a block that someone then re-shaped (before the
 * rewrite was resolved) cannot be put back by Discard, because the block
 * they were in is gone (see the README).
 */
import * as Y from 'yjs'
import { deleteSetFromRanges, type ItemRanges } from './itemRanges.ts'

/**
 * Server documents use client ids below this (server/collab/room.ts: small,
 * so the AI's text wins the left side of concurrent inserts); browsers pick
 * random ids above it.
 */
export const SERVER_CLIENT_ID_LIMIT = 0x10000

/** Partial matches are tried only when sources × copies stays under this. */
const PARTIAL_MATCH_BUDGET = 400

interface Char {
  ch: string
  client: number
  clock: number
}

interface Run {
  chars: Char[]
  text: string
}

/**
 * Runs of characters of `members`, per parent text node, in document order.
 * A run goes on across what is invisible (format markers, characters deleted
 * before) and ends at anything visible that is not a member.
 */
function runsOf(members: ReadonlySet<Y.Item>): Run[] {
  const parents = new Set<Y.AbstractType<unknown>>()
  for (const item of members) if (item.content instanceof Y.ContentString && item.parent instanceof Y.AbstractType) parents.add(item.parent)
  const runs: Run[] = []
  const finish = (chars: Char[]) => runs.push({ chars, text: chars.map((c) => c.ch).join('') })
  for (const parent of parents) {
    let run: Char[] = []
    for (let item = parent._start; item !== null; item = item.right) {
      if (members.has(item)) {
        if (!(item.content instanceof Y.ContentString)) continue
        const str = item.content.str
        for (let i = 0; i < str.length; i++) run.push({ ch: str[i] as string, client: item.id.client, clock: item.id.clock + i })
      } else if (item.countable && !item.deleted && run.length > 0) {
        finish(run)
        run = []
      }
    }
    if (run.length > 0) finish(run)
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
  for (const [client, end] of tr.afterState) {
    const start = tr.beforeState.get(client) ?? 0
    if (end > start) out.push(...itemsIn(tr.doc.store, client, start, end))
  }
  return out
}

function add(ranges: Map<number, number[]>, client: number, clock: number, len: number): void {
  const flat = ranges.get(client) ?? []
  const last = flat.length - 2
  if (last >= 0 && (flat[last] as number) + (flat[last + 1] as number) === clock) flat[last + 1] = (flat[last + 1] as number) + len
  else flat.push(clock, len)
  ranges.set(client, flat)
}

const key = (client: number, clock: number) => `${client}:${clock}`

/**
 * The items of `tr` that copy the job's items (`isJobItem`), as ranges to
 * add to the job. Cheap for the common transactions: typing (inserts only)
 * and deleting (deletes only) return at once.
 */
export function adoptedCopies(tr: Y.Transaction, isJobItem: (id: Y.ID) => boolean): ItemRanges {
  const deletedList = deletedItems(tr)
  const isJobChar = (c: Char) => isJobItem(Y.createID(c.client, c.clock))
  const hasJobText = (item: Y.Item) => {
    if (!(item.content instanceof Y.ContentString)) return false
    for (let i = 0; i < item.length; i++) if (isJobItem(Y.createID(item.id.client, item.id.clock + i))) return true
    return false
  }
  if (!deletedList.some(hasJobText)) return []
  const insertedList = insertedItems(tr).filter((item) => !item.deleted)
  if (!insertedList.some((item) => item.content instanceof Y.ContentString)) return []
  const inserted = new Set(insertedList)
  const sources = runsOf(new Set(deletedList))
  const copies = runsOf(inserted)
  const byText = new Map<string, Run>()
  for (const source of sources) if (!byText.has(source.text)) byText.set(source.text, source)
  const partial = sources.length * copies.length <= PARTIAL_MATCH_BUDGET

  const adopted = new Map<number, number[]>()
  const adoptedIds = new Set<string>()
  const adoptRun = (copy: Run, source: Char[]) => {
    copy.chars.forEach((c, i) => {
      if (!isJobChar(source[i] as Char)) return
      add(adopted, c.client, c.clock, 1)
      adoptedIds.add(key(c.client, c.clock))
    })
  }
  for (const copy of copies) {
    const whole = byText.get(copy.text)
    if (whole !== undefined) {
      adoptRun(copy, whole.chars)
      continue
    }
    if (!partial) continue
    for (const source of sources) {
      const at = source.text.indexOf(copy.text)
      if (at < 0 || copy.text.length >= source.text.length) continue
      // What the copy leaves out must be the person's own (markup they typed).
      const dropped = [...source.chars.slice(0, at), ...source.chars.slice(at + copy.text.length)]
      if (dropped.some(isJobChar)) continue
      adoptRun(copy, source.chars.slice(at))
      break
    }
  }
  if (adoptedIds.size === 0) return []

  // New blocks that hold nothing but adopted text, with the empty leaves in
  // them (a hard break, a rule): adopted whole.
  const leaves: Y.Item[] = []
  const allAdopted = (type: Y.AbstractType<unknown>, found: Y.Item[]): boolean => {
    let text = false
    for (let item = type._start; item !== null; item = item.right) {
      if (item.deleted || !item.countable) continue
      if (item.content instanceof Y.ContentString) {
        for (let i = 0; i < item.length; i++) if (!adoptedIds.has(key(item.id.client, item.id.clock + i))) return false
        text = true
      } else if (item.content instanceof Y.ContentType && inserted.has(item)) {
        const inner = item.content.type
        if (inner._length === 0) found.push(item)
        else if (allAdopted(inner, found)) {
          found.push(item)
          text = true
        } else return false
      } else return false
    }
    return text
  }
  for (const item of insertedList) {
    if (!(item.content instanceof Y.ContentType)) continue
    const found: Y.Item[] = []
    if (allAdopted(item.content.type, found)) leaves.push(item, ...found)
  }
  for (const item of leaves) {
    if (adoptedIds.has(key(item.id.client, item.id.clock))) continue
    adoptedIds.add(key(item.id.client, item.id.clock))
    add(adopted, item.id.client, item.id.clock, 1)
  }
  return [...adopted].map(([client, flat]) => [client, flat])
}

/**
 * Adds the copies `tr` made of the job's items to the job's undo record (its
 * one stack item). Returns whether it adopted anything.
 */
export function adoptCopies(undo: Y.UndoManager, tr: Y.Transaction): boolean {
  const item = undo.undoStack[0]
  if (item === undefined) return false
  const adopted = adoptedCopies(tr, (id) => Y.isDeleted(item.insertions, id))
  if (adopted.length === 0) return false
  item.insertions = Y.mergeDeleteSets([item.insertions, deleteSetFromRanges(adopted)])
  return true
}

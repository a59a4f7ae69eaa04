/**
 * Copies of a job's text made by a person's editor, found so the job keeps
 * them: its mark and its Discard cover them too.
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
import type { ItemRanges } from '../../shared/itemRanges.ts'

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

/**
 * The items of `tr` that copy the job's items (`isJobItem`), as ranges to
 * add to the job. Cheap when the transaction deleted nothing of the job's.
 */
export function adoptedCopies(tr: Y.Transaction, isJobItem: (id: Y.ID) => boolean): ItemRanges {
  const deleted = deletedItems(tr)
  if (!deleted.some((item) => item.content instanceof Y.ContentString && isJobItem(item.id))) return []
  const deletedSet = new Set(deleted)
  const inserted = insertedItems(tr).filter((item) => !item.deleted)
  const insertedSet = new Set(inserted)
  const sources = runsOf(deletedSet)
  const copies = runsOf(insertedSet)
  const adopted = new Map<number, number[]>()
  const adoptedIds = new Set<string>()
  for (const copy of copies) {
    const text = copy.map((c) => c.ch).join('')
    for (const source of sources) {
      const sourceText = source.map((c) => c.ch).join('')
      const at = text.length === sourceText.length ? (text === sourceText ? 0 : -1) : text.length >= MIN_PARTIAL_MATCH ? sourceText.indexOf(text) : -1
      if (at < 0) continue
      copy.forEach((c, i) => {
        const from = source[at + i] as Char
        if (!isJobItem({ client: from.client, clock: from.clock } as Y.ID)) return
        add(adopted, c.client, c.clock, 1)
        adoptedIds.add(`${c.client}:${c.clock}`)
      })
      break
    }
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
        if (!insertedSet.has(item) || !allAdopted(item.content.type)) return false
        any = true
      } else return false
    }
    return any
  }
  for (const item of inserted) {
    if (item.content instanceof Y.ContentType && allAdopted(item.content.type)) add(adopted, item.id.client, item.id.clock, 1)
  }
  return [...adopted].map(([client, flat]) => [client, flat])
}

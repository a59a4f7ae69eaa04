/**
 * Small helpers over Yjs internals (items, clocks, relative positions).
 *
 * The writer addresses its own content by item id rather than by index: an
 * index computed before a concurrent change points at the wrong place, an id
 * never does. Element children are deleted through their items directly,
 * which is safe because Y.XmlFragment/Y.XmlElement keep no search markers
 * (Y.XmlText does, so text is only changed through its public methods).
 */
import * as Y from 'yjs'
import type { OwnedClocks } from './ownership.ts'

export type YBlockParent = Y.XmlFragment // Y.XmlElement extends Y.XmlFragment

/** Any shared type (structurally: yjs's generic AbstractType does not unify across subclasses). */
export interface YTypeLike {
  readonly _item: Y.Item | null
}

/** Deleting a type deletes all of its descendants, so one flag says it all. */
export function isGone(type: YTypeLike): boolean {
  return type._item !== null && type._item.deleted
}

/**
 * The item whose last clock is `id`, split there if it has been merged with a
 * right neighbour. Children of a live parent are never replaced by GC structs,
 * so this finds an item whenever the caller has checked the parent is alive.
 */
export function itemEndingAt(tr: Y.Transaction, id: Y.ID | null): Y.Item | null {
  if (id === null) return null
  const struct: unknown = Y.getItemCleanEnd(tr, tr.doc.store, id)
  return struct instanceof Y.Item ? struct : null
}

export function idOf(type: YTypeLike): Y.ID | null {
  return type._item === null ? null : type._item.id
}

/** Inserts `child` right after the item `after` (at the start when null). */
export function insertChildAfter(tr: Y.Transaction, parent: YBlockParent, after: Y.ID | null, child: Y.XmlElement | Y.XmlText): void {
  const ref = itemEndingAt(tr, after)
  if (after !== null && ref === null) parent.push([child])
  else parent.insertAfter(ref, [child])
}

export function deleteChild(tr: Y.Transaction, child: YTypeLike): void {
  if (child._item !== null && !child._item.deleted) child._item.delete(tr)
}

/** A position that sticks to the right side of one character or element. */
export function afterItemPosition(id: Y.ID): Y.RelativePosition {
  return Y.createRelativePositionFromJSON({ item: { client: id.client, clock: id.clock }, assoc: -1 })
}

/** Index just after a character in `text` (where it was, if it is deleted). */
export function indexAfterChar(doc: Y.Doc, text: Y.XmlText, client: number, clock: number): number {
  const abs = Y.createAbsolutePositionFromRelativePosition(afterItemPosition(Y.createID(client, clock)), doc, false)
  return abs !== null && abs.type === text ? Math.min(abs.index, text.length) : text.length
}

/** Id of the character now at `index` of `text`. */
export function charIdAt(text: Y.XmlText, index: number): Y.ID | null {
  return Y.createRelativePositionFromTypeIndex(text, index).item
}

export interface CharRun {
  readonly index: number
  readonly length: number
  readonly key: string
}

/**
 * Visible characters of `text` selected by `pick` (which returns a group key
 * or null), as runs of adjacent characters with the same key, in order.
 * One pass over the text: O(length of the paragraph).
 */
export function visibleRuns(text: Y.XmlText, pick: (client: number, clock: number) => string | null): CharRun[] {
  const runs: Array<{ index: number; length: number; key: string }> = []
  let index = 0
  for (let item = text._start; item !== null; item = item.right) {
    if (item.deleted || !item.countable) continue
    for (let i = 0; i < item.length; i++) {
      const key = pick(item.id.client, item.id.clock + i)
      if (key === null) continue
      const last = runs[runs.length - 1]
      if (last !== undefined && last.key === key && last.index + last.length === index + i) last.length++
      else runs.push({ index: index + i, length: 1, key })
    }
    index += item.length
  }
  return runs
}

/** Whether a type holds visible content someone else created (then it must not be deleted whole). */
export function hasForeignContent(type: Y.XmlFragment | Y.XmlText, owned: OwnedClocks): boolean {
  for (let item = type._start; item !== null; item = item.right) {
    if (item.deleted || !item.countable) continue
    if (!owned.owns(item.id.client, item.id.clock, item.length)) return true
    const content = item.content
    if (content instanceof Y.ContentType) {
      const child: unknown = content.type
      if ((child instanceof Y.XmlFragment || child instanceof Y.XmlText) && hasForeignContent(child, owned)) return true
    }
  }
  return false
}

/** Position of `item` among the visible children of its parent. */
export function visibleIndexOf(parent: { readonly _start: Y.Item | null }, item: Y.Item): number {
  let index = 0
  for (let n = parent._start; n !== null && n !== item; n = n.right) {
    if (!n.deleted && n.countable) index += n.length
  }
  return index
}

/**
 * Inserts `str` into `text` directly after the character `after` (even when
 * that character is deleted), and returns the id of the first new character.
 *
 * `Y.Text.insert` cannot do this: it moves the insertion point right past
 * deleted items and past format markers whose value matches, so the new text
 * would hang off a marker instead of the writer's own character, and a human
 * who typed right after that character at the same time would end up inside
 * the AI's text. The new characters take the marks in effect at that point;
 * the caller sets the marks it wants with `format` afterwards.
 */
export function insertTextAfter(tr: Y.Transaction, text: Y.XmlText, after: Y.ID, str: string): Y.ID {
  const doc = tr.doc
  const left = Y.getItemCleanEnd(tr, doc.store, after)
  const right = left.right
  const id = Y.createID(doc.clientID, Y.getState(doc.store, doc.clientID))
  new Y.Item(id, left, left.lastId, right, right === null ? null : right.id, text, null, new Y.ContentString(str)).integrate(tr, 0)
  // Index caches would now be off by the inserted length; let Yjs rebuild them.
  if (text._searchMarker !== null) text._searchMarker.length = 0
  return id
}

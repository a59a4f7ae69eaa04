/**
 * The person's empty line at the anchor, when the AI's first block cannot go
 * into it (an answer that starts with a heading, list or code block). Left
 * where it is, it would sit as a stray empty paragraph before the AI's text
 * (issue 10, bug 7), so the blocks go before it instead: the line stays, with
 * the person's caret in it, right after the AI's text.
 *
 * The line is never deleted, not even one a rewrite's selection emptied:
 * deleting an element takes with it every keystroke typed into it
 * concurrently (the typist's update lands in a deleted parent), and no
 * Discard brings those back. This is decided when the first block is placed,
 * against the line as it is then; a line someone has typed into is not empty.
 */
import * as Y from 'yjs'
import type { Placement } from './placement.ts'
import { isGone } from './yjsItems.ts'

/** No visible characters or inline nodes (empty text nodes do not count). */
export function isBlank(type: Y.XmlFragment | Y.XmlText): boolean {
  for (let item = type._start; item !== null; item = item.right) {
    if (item.deleted || !item.countable) continue
    const content = item.content
    if (content instanceof Y.ContentType && content.type instanceof Y.XmlText && isBlank(content.type)) continue
    return false
  }
  return true
}

/**
 * Where the first block goes when it cannot go inline: before the anchor's
 * paragraph if that is a blank top-level paragraph, else after the anchor's
 * top-level block. Only a top-level one: inside a list item or a quote,
 * "before" would mean before the whole list.
 */
export function firstBlockAfter(fragment: Y.XmlFragment, placement: Placement): Y.ID | null {
  const line = placement.inline?.block
  if (line === undefined || line.nodeName !== 'paragraph' || line.parent !== fragment || isGone(line) || !isBlank(line)) return placement.topAfter
  // Right after the item to its left, deleted or not, so that nothing can come between the blocks and the line.
  const left = line._item?.left ?? null
  return left === null ? null : left.lastId
}

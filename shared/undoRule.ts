/**
 * What Undo and Discard may delete: never a block or text node that still
 * holds someone's words.
 *
 * A Y.UndoManager takes back a change by deleting the items the change
 * inserted, children before parents, and asks its `deleteFilter` about each.
 * Deleting a Yjs element deletes everything inside it, including characters
 * other people typed into it after it was created. So an element (a block
 * an AI job or a person created) or a text node that still has visible
 * content once the change's own items are gone is kept: a collaborator's
 * sentence typed inside an AI paragraph stays where it was typed, in that
 * paragraph (or heading, list item...), and only the AI's characters go.
 *
 * The element's attributes stay with it (a heading's level, a code block's
 * language): they are deleted after the element's children, so when someone's
 * words are left inside, the block keeps its type and they keep their place.
 *
 * The editor's own undo uses the same rule (client/src/editor/extensions.ts).
 */
import * as Y from 'yjs'

export function deleteUnlessOccupied(item: Y.Item): boolean {
  if (item.parentSub !== null) {
    const parent = item.parent
    return !(parent instanceof Y.XmlElement) || parent._length === 0
  }
  if (!(item.content instanceof Y.ContentType)) return true
  const type = item.content.type
  if (!(type instanceof Y.XmlElement || type instanceof Y.XmlText)) return true
  return type._length === 0
}

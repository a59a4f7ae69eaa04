/**
 * What Undo and Discard may delete: never a block or text node that still
 * holds someone's words, and never the child a kept block needs to stay
 * valid in the schema.
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
 * A kept block can also need one of the change's own children: a list or
 * task item must start with a paragraph (someone typed only in its nested
 * list), and a table cell or quote that stays must hold a block. Deleting
 * that paragraph would leave a document the schema rejects, which editors
 * then repair or render wrongly, each in its own way. So the paragraph stays,
 * emptied. Whether the parent stays is known from the stack item being taken
 * back (its insertions), which is why this is an UndoManager subclass rather
 * than a bare filter.
 *
 * The editor's own undo and the AI job's Discard both use it.
 */
import * as Y from 'yjs'

/** Blocks whose first child must be a paragraph (schema: `paragraph block*`). */
const LEADING_PARAGRAPH = new Set(['listItem', 'taskItem'])
/** Blocks that must hold at least one block (schema: `block+`). */
const NOT_EMPTY = new Set(['tableCell', 'tableHeader', 'blockquote', ...LEADING_PARAGRAPH])

type StackItem = (typeof Y.UndoManager.prototype.undoStack)[number]
type Scope = ConstructorParameters<typeof Y.UndoManager>[0]
type Options = Omit<NonNullable<ConstructorParameters<typeof Y.UndoManager>[1]>, 'deleteFilter'>

/** The element's children that are still visible (not deleted). */
function visibleChildren(el: Y.XmlElement): Y.Item[] {
  const out: Y.Item[] = []
  for (let item = el._start; item !== null; item = item.right) if (!item.deleted && item.countable) out.push(item)
  return out
}

function isElementItem(item: Y.Item): item is Y.Item & { content: Y.ContentType } {
  return item.content instanceof Y.ContentType && item.content.type instanceof Y.XmlElement
}

/** True when `item` (an empty paragraph about to go) is a child its kept parent needs. */
function requiredByParent(item: Y.Item, taking: StackItem | null): boolean {
  if (!isElementItem(item) || (item.content.type as Y.XmlElement).nodeName !== 'paragraph') return false
  const parent = item.parent
  if (!(parent instanceof Y.XmlElement) || !NOT_EMPTY.has(parent.nodeName)) return false
  const siblings = visibleChildren(parent).filter((child) => child !== item)
  const parentGoes = parent._item !== null && taking !== null && Y.isDeleted(taking.insertions, parent._item.id)
  // A parent left with nothing else is deleted next if the change created it; otherwise it stays and needs this child.
  if (siblings.length === 0) return !parentGoes
  // The parent keeps other children, so it stays: it needs a paragraph first.
  return LEADING_PARAGRAPH.has(parent.nodeName) && visibleChildren(parent)[0] === item
}

/** The rule for one item; `taking` is the stack item being undone or redone, when known. */
export function deleteUnlessOccupied(item: Y.Item, taking: StackItem | null = null): boolean {
  if (item.parentSub !== null) {
    const parent = item.parent
    return !(parent instanceof Y.XmlElement) || parent._length === 0
  }
  if (!(item.content instanceof Y.ContentType)) return true
  const type = item.content.type
  if (!(type instanceof Y.XmlElement || type instanceof Y.XmlText)) return true
  if (type._length !== 0) return false
  return !requiredByParent(item, taking)
}

/**
 * A Y.UndoManager with this rule. It notes which stack item it is taking
 * back, so the filter can tell a parent the change created (deleted right
 * after its children) from one that stays.
 */
export class OccupiedUndoManager extends Y.UndoManager {
  private readonly taking: { current: StackItem | null }

  constructor(scope: Scope, options: Options = {}) {
    const taking: { current: StackItem | null } = { current: null }
    super(scope, { ...options, deleteFilter: (item) => deleteUnlessOccupied(item, taking.current) })
    this.taking = taking
  }

  override undo(): StackItem | null {
    return this.taken(this.undoStack, () => super.undo())
  }

  override redo(): StackItem | null {
    return this.taken(this.redoStack, () => super.redo())
  }

  private taken(stack: StackItem[], run: () => StackItem | null): StackItem | null {
    this.taking.current = stack[stack.length - 1] ?? null
    try {
      return run()
    } finally {
      this.taking.current = null
    }
  }
}

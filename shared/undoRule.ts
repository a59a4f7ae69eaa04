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
 * A table must stay rectangular too: a row left with only the cell someone
 * typed into is repaired by every editor that sees it, each adding the
 * missing cells (client/src/editor/tables/tableRepair.ts tells why that is
 * avoided), and the words end up under another column. So the cells a change
 * created stay together: a row the change created stays whole when any of its
 * cells holds someone's words (the other rows go), and the cells it added to
 * existing rows (a column) all stay when any of them does. A change that
 * replaced a row's cells (the header row turned on or off) gets the old ones
 * back on undo; someone's words in the new ones move into them.
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
function visibleChildren(el: Y.XmlElement | Y.XmlFragment): Y.Item[] {
  const out: Y.Item[] = []
  for (let item = el._start; item !== null; item = item.right) if (!item.deleted && item.countable) out.push(item)
  return out
}

function isElementItem(item: Y.Item): item is Y.Item & { content: Y.ContentType } {
  return item.content instanceof Y.ContentType && item.content.type instanceof Y.XmlElement
}

const CELLS = new Set(['tableCell', 'tableHeader'])

/** Whether the change being taken back created `item`. */
function created(item: Y.Item | null, taking: StackItem | null): boolean {
  return item !== null && taking !== null && Y.isDeleted(taking.insertions, item.id)
}

/** Something visible inside `type` that the change did not create: someone's words, or a block they made. */
function holdsOthers(type: { _start: Y.Item | null }, taking: StackItem): boolean {
  for (let item = type._start; item !== null; item = item.right) {
    if (item.deleted || !item.countable) continue
    if (!created(item, taking)) return true
    if (item.content instanceof Y.ContentType && holdsOthers(item.content.type, taking)) return true
  }
  return false
}

/**
 * The cell that takes back `cell`'s place in its row: when the change
 * replaced a row's cells (the header row turned on or off: y-prosemirror
 * can't rename an element, so it deletes each cell and makes a new one),
 * undo brings the old cells back, whatever the filter says. The k-th cell
 * the change created in the row is then the k-th it deleted, now restored.
 */
function restoredTwin(cell: Y.XmlElement, taking: StackItem): Y.XmlElement | null {
  const row = cell.parent
  if (!(row instanceof Y.XmlElement) || created(row._item, taking)) return null
  const made: Y.Item[] = []
  const gone: Y.Item[] = []
  for (let item = row._start; item !== null; item = item.right) {
    if (!isElementItem(item) || !CELLS.has((item.content.type as Y.XmlElement).nodeName)) continue
    if (created(item, taking)) made.push(item)
    else if (item.deleted && Y.isDeleted(taking.deletions, item.id) && item.redone !== null) gone.push(item)
  }
  const k = made.findIndex((item) => item === cell._item)
  const redone = k >= 0 && made.length === gone.length ? gone[k]!.redone : null
  if (redone === null) return null
  for (let item = row._start; item !== null; item = item.right) {
    if (!item.deleted && Y.compareIDs(item.id, redone) && isElementItem(item)) return item.content.type as Y.XmlElement
  }
  return null
}

/**
 * Someone's words left in a cell the change made, whose old cell is back:
 * they move into the old cell, appended to its first paragraph (other
 * blocks after it), and the made cell can go. Kept as it was, the row would
 * hold both, a cell longer than the others.
 */
function moveInto(twin: Y.XmlElement, cell: Y.XmlElement): void {
  const blocks = cell.toArray()
  const first = blocks[0]
  const target = twin.get(0)
  if (first instanceof Y.XmlElement && first.nodeName === 'paragraph' && target instanceof Y.XmlElement && target.nodeName === 'paragraph') {
    blocks.shift()
    const texts = first.toArray().filter((child): child is Y.XmlText => child instanceof Y.XmlText)
    let into = target.toArray().find((child): child is Y.XmlText => child instanceof Y.XmlText)
    if (into === undefined) {
      into = new Y.XmlText()
      target.insert(target.length, [into])
    }
    for (const text of texts) {
      const length = into.length
      into.applyDelta([{ retain: length }, ...(text.toDelta() as Array<{ insert: string; attributes?: Record<string, unknown> }>)])
    }
  }
  twin.insert(
    twin.length,
    blocks.flatMap((block) => (block instanceof Y.XmlElement || block instanceof Y.XmlText ? [block.clone()] : [])),
  )
}

/** True when `cell`, created by the change, stays so that its table stays rectangular (see the header). */
function cellStays(cell: Y.XmlElement, taking: StackItem | null, memo: Map<Y.XmlElement, boolean>): boolean {
  const row = cell.parent
  if (taking === null || !CELLS.has(cell.nodeName) || !created(cell._item, taking) || !(row instanceof Y.XmlElement)) return false
  // Its old cell is back in its place.
  if (restoredTwin(cell, taking) !== null) return false
  const rowIsNew = created(row._item, taking)
  // A new row is judged on its own; cells added to existing rows, across the whole table.
  const scope = rowIsNew ? row : row.parent
  if (!(scope instanceof Y.XmlElement)) return false
  const known = memo.get(scope)
  if (known !== undefined) return known
  const rows = rowIsNew ? [row] : scope.toArray().filter((child): child is Y.XmlElement => child instanceof Y.XmlElement && !created(child._item, taking))
  const stays = rows.some((r) => r.toArray().some((c) => c instanceof Y.XmlElement && created(c._item, taking) && holdsOthers(c, taking)))
  memo.set(scope, stays)
  return stays
}

/** True when `item` (an empty paragraph about to go) is a child its kept parent needs. */
function requiredByParent(item: Y.Item, taking: StackItem | null, memo: Map<Y.XmlElement, boolean>): boolean {
  if (!isElementItem(item) || (item.content.type as Y.XmlElement).nodeName !== 'paragraph') return false
  const parent = item.parent
  // The document itself must hold a block too. Emptied, every editor would
  // write an empty paragraph of its own, and a redo would put the words back
  // after it: the title on the second line.
  if (!(parent instanceof Y.XmlElement) && parent instanceof Y.XmlFragment) return visibleChildren(parent).every((child) => child === item)
  if (!(parent instanceof Y.XmlElement) || !NOT_EMPTY.has(parent.nodeName)) return false
  const siblings = visibleChildren(parent).filter((child) => child !== item)
  const parentGoes = created(parent._item, taking) && !cellStays(parent, taking, memo)
  // A parent left with nothing else is deleted next if the change created it; otherwise it stays and needs this child.
  if (siblings.length === 0) return !parentGoes
  // The parent keeps other children, so it stays: it needs a paragraph first.
  return LEADING_PARAGRAPH.has(parent.nodeName) && visibleChildren(parent)[0] === item
}

/**
 * The rule for one item; `taking` is the stack item being undone or redone,
 * when known, and `memo` remembers for it which tables' new cells stay.
 */
export function deleteUnlessOccupied(item: Y.Item, taking: StackItem | null = null, memo: Map<Y.XmlElement, boolean> = new Map()): boolean {
  if (item.parentSub !== null) {
    const parent = item.parent
    return !(parent instanceof Y.XmlElement) || parent._length === 0
  }
  if (!(item.content instanceof Y.ContentType)) return true
  const type = item.content.type
  if (!(type instanceof Y.XmlElement || type instanceof Y.XmlText)) return true
  if (type._length !== 0) {
    if (taking === null || !(type instanceof Y.XmlElement) || !CELLS.has(type.nodeName) || !created(item, taking)) return false
    const twin = restoredTwin(type, taking)
    if (twin === null) return false
    moveInto(twin, type)
    return true
  }
  return !requiredByParent(item, taking, memo)
}

/**
 * A Y.UndoManager with this rule. It notes which stack item it is taking
 * back, so the filter can tell a parent the change created (deleted right
 * after its children) from one that stays.
 */
export class OccupiedUndoManager extends Y.UndoManager {
  private readonly taking: { current: StackItem | null; memo: Map<Y.XmlElement, boolean> }

  constructor(scope: Scope, options: Options = {}) {
    const taking: { current: StackItem | null; memo: Map<Y.XmlElement, boolean> } = { current: null, memo: new Map() }
    super(scope, { ...options, deleteFilter: (item) => deleteUnlessOccupied(item, taking.current, taking.memo) })
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
    this.taking.memo = new Map()
    try {
      return run()
    } finally {
      this.taking.current = null
    }
  }
}

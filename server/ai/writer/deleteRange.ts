/**
 * Deletes a selection for `replace`: the text after `from` in its textblock,
 * the text before `to` in its textblock, and every block wholly in between.
 *
 * Unlike ProseMirror's deleteRange this never joins the two end blocks:
 * joining would mean moving a human's text into another element, which Yjs
 * can only express as delete + re-insert of someone else's characters.
 *
 * Inside a table, rows and cells are never deleted one by one (a person's
 * cell selection runs from one cell to another): a table missing some cells
 * is not rectangular, and every editor would repair it its own way. The
 * cells in between are emptied instead. A selection of the whole table,
 * from the start of its first cell to the end of its last, takes the whole
 * table (widenToTable), so the answer's table takes its place.
 */
import * as Y from 'yjs'
import type { PathStep } from './placement.ts'

const TABLE_PARTS = new Set(['table', 'tableRow', 'tableCell', 'tableHeader'])

function isTablePart(node: unknown): node is Y.XmlElement {
  return node instanceof Y.XmlElement && TABLE_PARTS.has(node.nodeName)
}

/** Deletes the text in `node` and the hard breaks, keeping its elements: cells need a block, lists an item. */
function clearText(node: Y.XmlElement | Y.XmlText): void {
  if (node instanceof Y.XmlText) return void node.delete(0, node.length)
  const children = node.toArray()
  // Right to left, so that the indexes still to come stay valid.
  for (let i = children.length - 1; i >= 0; i--) {
    const child = children[i]
    if (child instanceof Y.XmlElement && child.nodeName === 'hardBreak') node.delete(i, 1)
    else if (child instanceof Y.XmlElement || child instanceof Y.XmlText) clearText(child)
  }
}

function deleteSpan(container: Y.XmlFragment | Y.XmlText, from: number, to: number): void {
  const end = Math.min(to, container.length)
  if (end <= from) return
  if (!isTablePart(container)) return container.delete(from, end - from)
  for (const child of container.toArray().slice(from, end)) if (child instanceof Y.XmlElement || child instanceof Y.XmlText) clearText(child)
}

/**
 * The range as it should be deleted: when it runs from the very start of a
 * table's first cell to the very end of its last, the whole table (positions
 * before and after it in its parent); otherwise as it is.
 */
export function widenToTable(from: PathStep[], to: PathStep[]): [PathStep[], PathStep[]] {
  for (let d = 0; d + 1 < from.length && d + 1 < to.length; d++) {
    const a = from[d] as PathStep
    const b = to[d] as PathStep
    if (a.container !== b.container || a.index !== b.index) break
    const entered = (from[d + 1] as PathStep).container
    if (!(entered instanceof Y.XmlElement) || entered.nodeName !== 'table') continue
    const atStart = from.slice(d + 1).every((s) => s.index === 0)
    const atEnd = to.slice(d + 1).every((s, i, rest) => s.index === s.container.length - (i === rest.length - 1 ? 0 : 1))
    if (!atStart || !atEnd) break
    return [
      [...from.slice(0, d), { container: a.container, index: a.index }],
      [...to.slice(0, d), { container: b.container, index: b.index + 1 }],
    ]
  }
  return [from, to]
}

/** Everything after the position, inside the subtree entered at `depth`. */
function deleteAfter(path: readonly PathStep[], depth: number): void {
  for (let d = path.length - 1; d >= depth; d--) {
    const step = path[d] as PathStep
    const last = d === path.length - 1
    deleteSpan(step.container, last ? step.index : step.index + 1, step.container.length)
  }
}

/** Everything before the position, inside the subtree entered at `depth`. */
function deleteBefore(path: readonly PathStep[], depth: number): void {
  for (let d = path.length - 1; d >= depth; d--) {
    const step = path[d] as PathStep
    deleteSpan(step.container, 0, step.index)
  }
}

export function deleteBetween(fromPath: readonly PathStep[], toPath: readonly PathStep[]): void {
  const a = fromPath
  const b = toPath
  let d = 0
  // Descend while both positions are inside the same child.
  while (d < a.length - 1 && d < b.length - 1 && a[d]?.container === b[d]?.container && a[d]?.index === b[d]?.index) d++
  const sa = a[d]
  const sb = b[d]
  if (sa === undefined || sb === undefined || sa.container !== sb.container) return
  const aInside = d < a.length - 1
  const bInside = d < b.length - 1
  if (sa.index > sb.index || (sa.index === sb.index && aInside && !bInside)) return deleteBetween(b, a)
  const container = sa.container
  if (!aInside && !bInside) {
    deleteSpan(container, sa.index, sb.index)
    return
  }
  // Right to left, so that earlier indices stay valid.
  if (bInside) deleteBefore(b, d + 1)
  deleteSpan(container, aInside ? sa.index + 1 : sa.index, sb.index)
  if (aInside) deleteAfter(a, d + 1)
}

/**
 * Deletes a selection for `replace`: the text after `from` in its textblock,
 * the text before `to` in its textblock, and every block wholly in between.
 *
 * Unlike ProseMirror's deleteRange this never joins the two end blocks:
 * joining would mean moving a human's text into another element, which Yjs
 * can only express as delete + re-insert of someone else's characters.
 */
import type * as Y from 'yjs'
import type { PathStep } from './placement.ts'

function deleteSpan(container: Y.XmlFragment | Y.XmlText, from: number, to: number): void {
  const end = Math.min(to, container.length)
  if (end > from) container.delete(from, end - from)
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

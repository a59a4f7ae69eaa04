/**
 * Ticks the task items at the selection from the keyboard (Mod-Enter), for
 * everyone, as a click on their boxes would. Each text block in the
 * selection counts for its own innermost task item, so the caret in a nested
 * task ticks that task, not its parent. When some of them are open they are
 * all ticked; when all are ticked they are all opened again.
 */
import type { Node as PmNode } from '@tiptap/pm/model'
import type { EditorState, Transaction } from '@tiptap/pm/state'

function taskItemsAt(state: EditorState): { pos: number; node: PmNode }[] {
  const { from, to } = state.selection
  const found = new Map<number, PmNode>()
  state.doc.nodesBetween(from, to, (node, pos) => {
    if (!node.isTextblock) return true
    const $pos = state.doc.resolve(pos)
    for (let depth = $pos.depth; depth > 0; depth--) {
      const ancestor = $pos.node(depth)
      if (ancestor.type.name === 'taskItem') {
        found.set($pos.before(depth), ancestor)
        break
      }
    }
    return false
  })
  return [...found].map(([pos, node]) => ({ pos, node }))
}

/** A ProseMirror command: false (the key goes on) when no task item is selected. */
export function toggleTasks(state: EditorState, dispatch?: (tr: Transaction) => void): boolean {
  const items = taskItemsAt(state)
  if (items.length === 0) return false
  const checked = items.some(({ node }) => node.attrs.checked !== true)
  if (dispatch) {
    const tr = state.tr
    for (const { pos, node } of items) tr.setNodeMarkup(pos, undefined, { ...node.attrs, checked })
    dispatch(tr)
  }
  return true
}

/**
 * After a transaction, only nodes that are not (by identity) in the previous
 * document can hold what it brought: ProseMirror shares every untouched
 * subtree between the two. Plugins that check each change (unsafe links,
 * table spans) walk just those, so a keystroke costs the depth of the
 * document, not its size.
 */
import type { Node as PmNode } from '@tiptap/pm/model'

/** Visits the changed non-leaf nodes of `doc` with their positions; `visit` returns whether to walk into one (textblocks never are). */
export function forChangedNodes(before: PmNode, doc: PmNode, visit: (node: PmNode, pos: number) => boolean): void {
  const walk = (old: PmNode | null, node: PmNode, offset: number): void => {
    node.forEach((child, childOffset, index) => {
      const oldChild = old !== null && index < old.childCount ? old.child(index) : null
      if (oldChild === child || child.isLeaf) return
      const pos = offset + childOffset
      if (visit(child, pos) && !child.isTextblock) walk(oldChild !== null && oldChild.type === child.type ? oldChild : null, child, pos + 1)
    })
  }
  walk(before, doc, 0)
}

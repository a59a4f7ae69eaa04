/**
 * The writer's top-level blocks: the in-progress ones it still reconciles,
 * and the position after the last completed one.
 *
 * Output block 0 is special: when it is a paragraph and the anchor is in a
 * live paragraph or heading, its inline content goes into that textblock at
 * the anchor, and the following blocks go after the anchor's top-level block.
 * When it cannot go inline and the anchor is in an empty top-level
 * paragraph, it goes before that paragraph instead (see emptyLine.ts).
 * Completed blocks are forgotten (only the position after them is kept), so
 * they are never revisited, except those a later reference-link definition
 * may change (see markdownStream.ts), which are kept to be revised.
 *
 * Continuing a sentence, a model often starts with a space (" sat on the
 * mat."), which markdown would drop; inline, that space is the word gap, so
 * it is kept (and so is a trailing one when the whole answer is that one
 * paragraph, as when filling in the middle of a sentence).
 */
import type { JSONContent } from '@tiptap/core'
import type * as Y from 'yjs'
import { createBlock, hostNode, hostRows, isNodeGone, lastPosition, reconcileBlock, removeBlock, type WrittenNode } from './blockMirror.ts'
import { firstBlockAfter, isBlank } from './emptyLine.ts'
import { InlineMirror } from './inlineMirror.ts'
import type { Placement } from './placement.ts'
import type { WriteScope } from './scope.ts'
import type { TableAround } from './tableRows.ts'
import { idOf } from './yjsItems.ts'

export interface EdgeSpaces {
  /** The text starts with spaces before its first word. */
  readonly leading: boolean
  /** The text is complete and ends with spaces after its last word. */
  readonly trailing: boolean
  /** The text starts with a line break before its first word: a block of its own, not the rest of the sentence. */
  readonly newLine: boolean
}

export class TopLevelWriter {
  private readonly nodes: WrittenNode[] = []
  /** Completed blocks that may still be revised, by their index over all completed blocks. */
  private readonly revisable = new Map<number, WrittenNode>()
  private committedBlocks = 0
  private startAfter: Y.ID | null
  private caretPos: Y.RelativePosition | null = null
  private edges: EdgeSpaces = { leading: false, trailing: false, newLine: false }
  /** Whether the first paragraph joins the anchor's textblock; decided once, when it is first placed. */
  private joins: boolean | null = null

  constructor(
    private readonly fragment: Y.XmlFragment,
    private readonly placement: Placement,
    /** Output block 0, a table, is rows for this table (see tableRows.ts). */
    private readonly rowsInto: TableAround | null = null,
  ) {
    this.startAfter = placement.topAfter
  }

  setEdges(edges: EdgeSpaces): void {
    this.edges = edges
  }

  /** Brings the in-progress blocks to `desired`. */
  reconcile(scope: WriteScope, desired: readonly JSONContent[]): void {
    this.sync(scope, desired, false)
    this.updateCaret()
  }

  /**
   * The first in-progress blocks became final as `completed`: write them
   * exactly, then forget them and keep only the place after them. Blocks
   * after them stay in progress.
   */
  commit(scope: WriteScope, completed: readonly JSONContent[], revisable: ReadonlySet<number>): void {
    this.sync(scope, completed, true)
    this.updateCaret()
    const done = this.nodes.splice(0, completed.length)
    const last = done[done.length - 1]
    if (last !== undefined) this.startAfter = this.after(last)
    done.forEach((node, i) => {
      if (revisable.has(this.committedBlocks + i)) this.revisable.set(this.committedBlocks + i, node)
    })
    this.committedBlocks += done.length
  }

  /** A completed block reads differently now (a reference link's definition arrived): bring it to `json`. */
  revise(scope: WriteScope, index: number, json: JSONContent): void {
    const node = this.revisable.get(index)
    if (node === undefined || isNodeGone(node) || node.type !== json.type) return
    // Not the sole block of the answer: a revised block always has one after it (the definition's).
    reconcileBlock(scope, node, node.own || node.rows !== null ? json : this.inlineJson(json, 2))
  }

  /** Matches nodes to `desired` by position; `keepRest` leaves nodes past the end alone. */
  private sync(scope: WriteScope, desired: readonly JSONContent[], keepRest: boolean): void {
    let i = 0
    for (; i < desired.length && i < this.nodes.length; i++) {
      const node = this.nodes[i] as WrittenNode
      const json = desired[i] as JSONContent
      if (isNodeGone(node)) continue
      if (node.type !== json.type || node.own === this.hosted(i, json)) break
      reconcileBlock(scope, node, node.own || node.rows !== null ? json : this.inlineJson(json, desired.length))
    }
    if (i < desired.length || !keepRest) for (const stale of this.nodes.splice(i)) removeBlock(scope, stale)
    for (; i < desired.length; i++) this.nodes.splice(i, 0, this.create(scope, i, desired[i] as JSONContent, desired.length))
  }

  /** The first paragraph as it goes inline, with the word gaps markdown dropped. */
  private inlineJson(json: JSONContent, blocks: number): JSONContent {
    const space: JSONContent = { type: 'text', text: ' ' }
    const content = json.content ?? []
    const sole = this.committedBlocks === 0 && blocks === 1
    return {
      ...json,
      content: [...(this.edges.leading ? [space] : []), ...content, ...(this.edges.trailing && sole ? [space] : [])],
    }
  }

  caret(): Y.RelativePosition | null {
    return this.caretPos
  }

  private wantsInline(index: number, json: JSONContent): boolean {
    const inline = this.placement.inline
    if (this.committedBlocks !== 0 || index !== 0 || json.type !== 'paragraph' || inline === null) return false
    // A model that answers a "continue" after a finished sentence with "\n\nThe next…" means a new
    // paragraph; joined to the sentence it would read "May.The next". An empty line it still fills.
    this.joins ??= !this.edges.newLine || isBlank(inline.block)
    return this.joins
  }

  private wantsRows(index: number, json: JSONContent): boolean {
    return this.committedBlocks === 0 && index === 0 && json.type === 'table' && this.rowsInto !== null
  }

  /** Written into a person's block (a paragraph, a table) rather than as a block of its own. */
  private hosted(index: number, json: JSONContent): boolean {
    return this.wantsInline(index, json) || this.wantsRows(index, json)
  }

  private after(node: WrittenNode): Y.ID | null {
    return node.own ? idOf(node.el) : this.placement.topAfter
  }

  private create(scope: WriteScope, index: number, json: JSONContent, blocks: number): WrittenNode {
    const inline = this.placement.inline
    if (this.rowsInto !== null && this.wantsRows(index, json)) return hostRows(scope, this.rowsInto, json)
    if (inline !== null && this.wantsInline(index, json)) {
      return hostNode(scope, inline.block, new InlineMirror(inline.start), this.inlineJson(json, blocks))
    }
    const prev = this.nodes[index - 1]
    let after: Y.ID | null
    if (prev !== undefined) after = this.after(prev)
    // Block 0, placed while nothing is committed (again if it changed type): decided against the line as it is now.
    else after = this.committedBlocks === 0 ? firstBlockAfter(this.fragment, this.placement) : this.startAfter
    return createBlock(scope, json, this.fragment, after)
  }

  private updateCaret(): void {
    for (let i = this.nodes.length - 1; i >= 0; i--) {
      const pos = lastPosition(this.nodes[i] as WrittenNode)
      if (pos !== null) {
        this.caretPos = pos
        return
      }
    }
  }
}

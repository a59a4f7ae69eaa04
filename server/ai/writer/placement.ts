/**
 * Where the writer's output goes, resolved from the job's relative position
 * when the first content is ready (not earlier: until then the anchor keeps
 * moving with the humans' edits).
 */
import * as Y from 'yjs'
import type { InlineStart } from './inlineMirror.ts'
import { idOf, isGone, visibleIndexOf } from './yjsItems.ts'

export interface Placement {
  /** New top-level blocks go after this fragment child (null: at the start of the fragment). */
  readonly topAfter: Y.ID | null
  /** Where a first paragraph may be written inline, if the anchor is in a live paragraph or heading. */
  readonly inline: { readonly block: Y.XmlElement; readonly start: InlineStart } | null
}

// A paragraph in a table cell or task item is a host too: an inline answer
// stays in the cell. Blocks always go after the top-level block, so a table
// answer to a selection inside a cell lands after the table, never in it.
const INLINE_HOSTS = new Set(['paragraph', 'heading'])

function resolve(doc: Y.Doc, pos: Y.RelativePosition): Y.AbsolutePosition | null {
  return Y.createAbsolutePositionFromRelativePosition(pos, doc, false)
}

/** The id of the fragment child that contains `type`, or undefined if `type` is not inside `fragment`. */
function topLevelId(fragment: Y.XmlFragment, type: Y.AbstractType<unknown>, index: number): Y.ID | null | undefined {
  if (type === (fragment as Y.AbstractType<unknown>)) {
    // A gap between top-level blocks: "after the block before the gap".
    let seen = 0
    let before: Y.Item | null = null
    for (let n = fragment._start; n !== null && seen < index; n = n.right) {
      if (n.deleted || !n.countable) continue
      seen += n.length
      before = n
    }
    return before === null ? null : before.lastId
  }
  let item = type._item
  while (item !== null) {
    const parent = item.parent
    if (parent === fragment) return item.id
    if (!(parent instanceof Y.AbstractType)) return undefined
    item = parent._item
  }
  return undefined
}

function inlineStart(doc: Y.Doc, pos: Y.RelativePosition, type: Y.AbstractType<unknown>, index: number): Placement['inline'] {
  if (type instanceof Y.XmlText) {
    const block = type.parent
    if (!(block instanceof Y.XmlElement) || !INLINE_HOSTS.has(block.nodeName) || isGone(block)) return null
    const anchorIndex = (): number => {
      const now = resolve(doc, pos)
      return now !== null && now.type === type ? now.index : type.length
    }
    return { block, start: { kind: 'text', text: type, anchorIndex } }
  }
  if (!(type instanceof Y.XmlElement) || !INLINE_HOSTS.has(type.nodeName) || isGone(type)) return null
  // A position between a textblock's children (an empty paragraph, or next to
  // a hard break): join an adjacent text node, or start a new one there.
  const before = index > 0 ? type.get(index - 1) : null
  if (before instanceof Y.XmlText) return { block: type, start: { kind: 'text', text: before, anchorIndex: () => before.length } }
  const after = type.get(index)
  if (after instanceof Y.XmlText) return { block: type, start: { kind: 'text', text: after, anchorIndex: () => 0 } }
  return { block: type, start: { kind: 'gap', parent: type, after: before === null ? null : idOf(before) } }
}

export function resolvePlacement(doc: Y.Doc, fragment: Y.XmlFragment, pos: Y.RelativePosition, allowInline: boolean): Placement | null {
  const abs = resolve(doc, pos)
  if (abs === null) return null
  const topAfter = topLevelId(fragment, abs.type, abs.index)
  if (topAfter === undefined) return null
  return { topAfter, inline: allowInline ? inlineStart(doc, pos, abs.type, abs.index) : null }
}

/** A resolved position as a path from the fragment: each step is (container, index). */
export interface PathStep {
  readonly container: Y.XmlFragment | Y.XmlText
  readonly index: number
}

export function pathTo(doc: Y.Doc, fragment: Y.XmlFragment, pos: Y.RelativePosition): PathStep[] | null {
  const abs = resolve(doc, pos)
  if (abs === null) return null
  const start = abs.type
  if (!(start instanceof Y.XmlFragment || start instanceof Y.XmlText)) return null
  const path: PathStep[] = [{ container: start, index: abs.index }]
  let type: Y.XmlFragment | Y.XmlText = start
  while (type !== fragment) {
    const item: Y.Item | null = type._item
    const parent = item?.parent
    if (item === null || !(parent instanceof Y.XmlFragment)) return null
    path.unshift({ container: parent, index: visibleIndexOf(parent, item) })
    type = parent
  }
  return path
}

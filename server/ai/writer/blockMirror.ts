/**
 * The writer's record of the block elements it wrote, and the reconcile step
 * for a block subtree (used for the in-progress block and its descendants).
 *
 * Children are matched by position. A child whose type changed is deleted and
 * written again, together with everything after it (block types are chosen so
 * that this is rare: the preview waits until a block's type is unambiguous).
 * A child a human deleted stays deleted and keeps its position, so the writer
 * never resurrects content someone removed. Elements that humans typed into
 * are never deleted whole; only the writer's own items inside them are.
 */
import type { JSONContent } from '@tiptap/core'
import * as Y from 'yjs'
import { InlineMirror } from './inlineMirror.ts'
import type { WriteScope } from './scope.ts'
import type { TableAround } from './tableRows.ts'
import { afterItemPosition, deleteChild, hasForeignContent, idOf, insertChildAfter, isGone, type YBlockParent } from './yjsItems.ts'

export interface WrittenNode {
  /** The node type this entry stands for. */
  readonly type: string
  attrsKey: string
  /** The element the content lives in (for an inline host: the human's textblock). */
  readonly el: Y.XmlElement
  /** False for the human's paragraph that received the first paragraph inline. */
  readonly own: boolean
  readonly inline: InlineMirror | null
  readonly children: WrittenNode[]
  /** For a person's table that takes the rows of the output's table: the rows go after this row; the output's header row is not written. */
  readonly rows: { readonly after: Y.ID | null } | null
}

type AttrValue = string | number | boolean

/** yjs types element attributes as strings by default; y-prosemirror stores numbers too. */
function setAttr(el: Y.XmlElement, key: string, value: AttrValue): void {
  ;(el as Y.XmlElement<Record<string, AttrValue>>).setAttribute(key, value)
}

/** y-prosemirror stores only non-null attributes. */
function attrsOf(json: JSONContent): Array<[string, AttrValue]> {
  const out: Array<[string, AttrValue]> = []
  for (const [key, value] of Object.entries(json.attrs ?? {})) {
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') out.push([key, value])
  }
  return out
}

function isTextblock(scope: WriteScope, type: string): boolean {
  return scope.schema.nodes[type]?.isTextblock === true
}

export function isNodeGone(node: WrittenNode): boolean {
  return isGone(node.el) || (node.inline !== null && node.inline.gone())
}

export function hostNode(scope: WriteScope, host: Y.XmlElement, inline: InlineMirror, json: JSONContent): WrittenNode {
  const node: WrittenNode = { type: json.type ?? 'paragraph', attrsKey: '', el: host, own: false, inline, children: [], rows: null }
  inline.reconcile(scope, json.content ?? [])
  return node
}

/** The body rows of the output's table `json`, written into the person's table after `into.row` (tableRows.ts). */
export function hostRows(scope: WriteScope, into: TableAround, json: JSONContent): WrittenNode {
  const node: WrittenNode = { type: 'table', attrsKey: '', el: into.table, own: false, inline: null, children: [], rows: { after: idOf(into.row) } }
  reconcileBlock(scope, node, json)
  return node
}

export function createBlock(scope: WriteScope, json: JSONContent, parent: YBlockParent, after: Y.ID | null): WrittenNode {
  const type = json.type ?? 'paragraph'
  const el = new Y.XmlElement(type)
  const attrs = attrsOf(json)
  for (const [key, value] of attrs) setAttr(el, key, value)
  insertChildAfter(scope.tr, parent, after, el)
  const textblock = isTextblock(scope, type)
  const node: WrittenNode = {
    type,
    attrsKey: JSON.stringify(attrs),
    el,
    own: true,
    inline: textblock ? new InlineMirror({ kind: 'gap', parent: el, after: null }) : null,
    children: [],
    rows: null,
  }
  if (node.inline !== null) node.inline.reconcile(scope, json.content ?? [])
  else reconcileChildren(scope, node.children, json.content ?? [], el, null)
  return node
}

export function reconcileBlock(scope: WriteScope, node: WrittenNode, json: JSONContent): void {
  if (isNodeGone(node)) return
  const attrs = attrsOf(json)
  const attrsKey = JSON.stringify(attrs)
  if (node.own && attrsKey !== node.attrsKey) {
    const next = new Map(attrs)
    for (const key of Object.keys(node.el.getAttributes())) if (!next.has(key)) node.el.removeAttribute(key)
    for (const [key, value] of next) setAttr(node.el, key, value)
    node.attrsKey = attrsKey
  }
  if (node.inline !== null) node.inline.reconcile(scope, json.content ?? [])
  else if (node.rows !== null) reconcileChildren(scope, node.children, (json.content ?? []).slice(1), node.el, node.rows.after)
  else reconcileChildren(scope, node.children, json.content ?? [], node.el, null)
}

export function removeBlock(scope: WriteScope, node: WrittenNode): void {
  if (isGone(node.el)) return
  if (node.inline !== null) {
    node.inline.deleteOwn(scope)
    if (node.own) scope.leftovers.push(node.el)
    return
  }
  if (!hasForeignContent(node.el, scope.owned)) {
    deleteChild(scope.tr, node.el)
    return
  }
  for (const child of node.children) removeBlock(scope, child)
}

/** Deletes the emptied textblocks nobody typed into (see WriteScope.leftovers). */
export function sweepLeftovers(scope: WriteScope): void {
  for (const el of scope.leftovers.splice(0)) {
    if (!isGone(el) && !hasForeignContent(el, scope.owned)) deleteChild(scope.tr, el)
  }
}

export function reconcileChildren(
  scope: WriteScope,
  nodes: WrittenNode[],
  desired: readonly JSONContent[],
  parent: YBlockParent,
  startAfter: Y.ID | null,
): void {
  let i = 0
  for (; i < desired.length && i < nodes.length; i++) {
    const node = nodes[i] as WrittenNode
    const json = desired[i] as JSONContent
    if (isNodeGone(node)) continue
    if (node.type !== json.type) break
    reconcileBlock(scope, node, json)
  }
  for (const stale of nodes.splice(i)) removeBlock(scope, stale)
  for (; i < desired.length; i++) {
    const prev = nodes[i - 1]
    nodes.push(createBlock(scope, desired[i] as JSONContent, parent, prev === undefined ? startAfter : idOf(prev.el)))
  }
}

/** Right after the last thing the writer wrote in this subtree. */
export function lastPosition(node: WrittenNode): Y.RelativePosition | null {
  for (let i = node.children.length - 1; i >= 0; i--) {
    const pos = lastPosition(node.children[i] as WrittenNode)
    if (pos !== null) return pos
  }
  const inline = node.inline?.lastPosition() ?? null
  if (inline !== null || !node.own) return inline
  // An empty own textblock: the caret sits inside it; a leaf (rule): after it.
  if (node.inline !== null) return Y.createRelativePositionFromTypeIndex(node.el, 0)
  const id = idOf(node.el)
  return id === null ? null : afterItemPosition(id)
}

/**
 * Restoring a version is a new edit, not a replacement.
 *
 * The live document is changed, in one transaction under the caller's
 * origin, until its content equals the version's. Only what differs is
 * touched, so carets and people typing elsewhere are undisturbed:
 *
 * 1. Blocks are matched by identity first. A version records, with its
 *    content, the Yjs id of each top-level block's element (see capture.ts).
 *    A block that existed then and exists now is the same block: it is left
 *    alone if its content is unchanged, or updated in place. Top-level Yjs
 *    items never move, so the matched blocks are in the same order on both
 *    sides and split the rest into gaps.
 * 2. In each gap (blocks created since, or removed since), blocks with equal
 *    content are matched by jsdiff's Myers diff over their JSON and left
 *    alone; a remaining current block and version block side by side, of the
 *    same type, are updated in place; the others are deleted or inserted.
 *
 * Updating in place uses y-prosemirror's own `updateYFragment` (the diff the
 * editor applies for every local edit), so only the characters and
 * attributes that differ change, and text someone types into that block at
 * the same moment merges with the restore as any two Yjs edits merge.
 */
import { diffArrays } from 'diff'
import { updateYFragment, yXmlFragmentToProseMirrorRootNode } from '@tiptap/y-tiptap'
import type { JSONContent } from '@tiptap/core'
import type { Node as PMNode, Schema } from '@tiptap/pm/model'
import * as Y from 'yjs'
import type { VersionContent } from './capture.ts'

export interface RestoreStats {
  /** Top-level blocks left untouched. */
  kept: number
  /** Blocks updated in place (same block or same type, different content). */
  updated: number
  inserted: number
  deleted: number
}

type Meta = Parameters<typeof updateYFragment>[3]

interface Side {
  node: PMNode
  key: string
}

/** A new top-level element at `index`, filled with `node`'s content. */
function insertBlock(doc: Y.Doc, fragment: Y.XmlFragment, index: number, node: PMNode, meta: Meta): void {
  const el = new Y.XmlElement(node.type.name)
  fragment.insert(index, [el])
  updateYFragment(doc, el, node, meta)
}

class Restorer {
  readonly stats: RestoreStats = { kept: 0, updated: 0, inserted: 0, deleted: 0 }
  private readonly meta: Meta = { mapping: new Map(), isOMark: new Map() }
  /** Position in the fragment as it is being changed. */
  index = 0

  constructor(
    private readonly doc: Y.Doc,
    private readonly fragment: Y.XmlFragment,
  ) {}

  /** The current block at `index` becomes `want` (same element when the type allows). */
  update(current: Side, want: Side): void {
    if (current.key === want.key) {
      this.stats.kept++
      this.index++
      return
    }
    // Only for blocks that change: a fragment has no search markers, so get() walks it from the start.
    const el = this.fragment.get(this.index)
    if (el instanceof Y.XmlElement && el.nodeName === want.node.type.name) {
      updateYFragment(this.doc, el, want.node, this.meta)
      this.stats.updated++
    } else {
      this.fragment.delete(this.index, 1)
      insertBlock(this.doc, this.fragment, this.index, want.node, this.meta)
      this.stats.deleted++
      this.stats.inserted++
    }
    this.index++
  }

  /** Brings a gap (current blocks with no identity match) to the version's blocks. */
  gap(current: readonly Side[], wanted: readonly Side[]): void {
    if (current.length === 0 && wanted.length === 0) return
    const hunks = diffArrays(
      current.map((s) => s.key),
      wanted.map((s) => s.key),
    )
    let c = 0
    let w = 0
    for (let h = 0; h < hunks.length; h++) {
      const hunk = hunks[h]!
      const count = hunk.count ?? hunk.value.length
      if (!hunk.added && !hunk.removed) {
        for (let k = 0; k < count; k++) this.update(current[c++]!, wanted[w++]!)
        continue
      }
      // A removed run and the added run right after it form one changed stretch.
      const next = hunk.removed ? hunks[h + 1] : undefined
      const removed = hunk.removed ? count : 0
      const added = hunk.added ? count : next?.added ? (next.count ?? next.value.length) : 0
      if (next?.added) h++
      const pairs = Math.min(removed, added)
      for (let k = 0; k < pairs; k++) this.update(current[c++]!, wanted[w++]!)
      if (removed > pairs) {
        this.fragment.delete(this.index, removed - pairs)
        this.stats.deleted += removed - pairs
        c += removed - pairs
      }
      for (let k = pairs; k < added; k++) {
        insertBlock(this.doc, this.fragment, this.index++, wanted[w++]!.node, this.meta)
        this.stats.inserted++
      }
    }
  }
}

function idKey(id: Y.ID | null): string | null {
  return id === null ? null : `${id.client}:${id.clock}`
}

/**
 * Makes `fragment`'s content equal the version's, changing only what
 * differs, in one transaction under `origin`.
 */
export function restoreContent(doc: Y.Doc, fragment: Y.XmlFragment, schema: Schema, stored: VersionContent, origin: object): RestoreStats {
  const version = knownContent(schema, stored)
  const target = schema.nodeFromJSON(version.doc)
  const restorer = new Restorer(doc, fragment)
  doc.transact(() => {
    const currentDoc = yXmlFragmentToProseMirrorRootNode(fragment, schema)
    const elements = fragment.toArray()
    // One element per block, unless y-prosemirror dropped one it could not
    // read; then identities cannot be trusted and only content is compared.
    const aligned = elements.length === currentDoc.childCount
    const current: Array<Side & { id: string | null }> = elements.map((el, i) => {
      const node = aligned ? currentDoc.child(i) : schema.nodes.paragraph!.create()
      return { node, key: aligned ? JSON.stringify(node.toJSON()) : `unreadable:${i}`, id: aligned && el instanceof Y.XmlElement ? idKey(el._item?.id ?? null) : null }
    })
    const wanted: Array<Side & { id: string | null }> = []
    target.forEach((node, _offset, i) => wanted.push({ node, key: JSON.stringify(node.toJSON()), id: version.blockIds[i] ?? null }))
    const currentIds = new Map(current.flatMap((s, i) => (s.id === null ? [] : [[s.id, i] as const])))
    let c = 0
    let w = 0
    for (let j = 0; j < wanted.length; j++) {
      const at = wanted[j]!.id === null ? undefined : currentIds.get(wanted[j]!.id!)
      if (at === undefined || at < c) continue
      restorer.gap(current.slice(c, at), wanted.slice(w, j))
      restorer.update(current[at]!, wanted[j]!)
      c = at + 1
      w = j + 1
    }
    restorer.gap(current.slice(c), wanted.slice(w))
  }, origin)
  return restorer.stats
}

/**
 * The version as the schema can read it. A version is captured from Yjs as
 * it stood, so a hostile peer's node or mark the schema does not know (a
 * `script` element, a `blink` mark) is in it, and nodeFromJSON throws on
 * it. Every editor leaves such content out when it shows the document, so
 * the restore does too (with the left-out top-level blocks' ids).
 */
function knownContent(schema: Schema, version: VersionContent): VersionContent {
  const known = (node: JSONContent): boolean => typeof node.type === 'string' && schema.nodes[node.type] !== undefined
  const clean = (node: JSONContent): JSONContent => {
    const out: JSONContent = { ...node }
    if (node.marks) out.marks = node.marks.filter((mark) => typeof mark.type === 'string' && schema.marks[mark.type] !== undefined)
    if (node.content) out.content = node.content.filter(known).map(clean)
    return out
  }
  const top = version.doc.content ?? []
  const blockIds = top.flatMap((node, i) => (known(node) ? [version.blockIds[i] ?? null] : []))
  return { doc: clean(version.doc), blockIds }
}

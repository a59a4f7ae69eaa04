/**
 * What a version holds: the document's content as editor JSON (fast to
 * preview, export and diff), and the Yjs id of each top-level block's
 * element at that moment, so a restore can tell the blocks that still exist
 * from those created or removed since (see restore.ts).
 */
import type { JSONContent } from '@tiptap/core'
import { yXmlFragmentToProsemirrorJSON } from '@tiptap/y-tiptap'
import * as Y from 'yjs'

export interface VersionContent {
  doc: JSONContent
  /** Per top-level block, its element's Yjs id then; null where unknown. */
  blockIds: Array<string | null>
}

export function captureContent(fragment: Y.XmlFragment): VersionContent {
  const doc = yXmlFragmentToProsemirrorJSON(fragment) as JSONContent
  const elements = fragment.toArray()
  const aligned = elements.length === (doc.content ?? []).length
  const blockIds = elements.map((el) => {
    const id = aligned && el instanceof Y.XmlElement ? (el._item?.id ?? null) : null
    return id === null ? null : `${id.client}:${id.clock}`
  })
  return { doc, blockIds: aligned ? blockIds : (doc.content ?? []).map(() => null) }
}

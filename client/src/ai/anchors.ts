/**
 * AI requests point into the document with Yjs relative positions, not
 * ProseMirror offsets: the server resolves them against its own Y.Doc, and
 * they keep pointing at the same text while others edit.
 */
import type { Editor } from '@tiptap/core'
import { absolutePositionToRelativePosition, ySyncPluginKey } from '@tiptap/y-tiptap'
import { toBase64 } from 'lib0/buffer'
import * as Y from 'yjs'
import type { AiRequest } from '../../../shared/index.ts'

type ProsemirrorMapping = Parameters<typeof absolutePositionToRelativePosition>[2]

interface SyncPluginState {
  binding: { type: Y.XmlFragment; mapping: ProsemirrorMapping } | null
}

export type Anchor = AiRequest['anchor']

function encode(pos: number, fragment: Y.XmlFragment, mapping: ProsemirrorMapping): string {
  const relative = absolutePositionToRelativePosition(pos, fragment, mapping) as Y.RelativePosition
  return toBase64(Y.encodeRelativePosition(relative))
}

/** Anchors for a range (`to` given) or a caret position. Null before the sync binding exists. */
export function anchorFor(editor: Editor, from: number, to?: number): Anchor | null {
  const state = ySyncPluginKey.getState(editor.state) as SyncPluginState | undefined
  const binding = state?.binding
  if (!binding) return null
  const anchor: Anchor = { from: encode(from, binding.type, binding.mapping) }
  if (to !== undefined && to > from) anchor.to = encode(to, binding.type, binding.mapping)
  return anchor
}

/**
 * The one definition of the editor's document schema.
 *
 * The client builds its Tiptap editor from these extensions (plus
 * collaboration and UI-only ones that add no nodes or marks), and the server
 * builds its ProseMirror schema from the same list. The server's AI writer and
 * exporters therefore only ever produce content the editor accepts.
 */
import { getSchema, type AnyExtension } from '@tiptap/core'
import StarterKit from '@tiptap/starter-kit'
import type { Schema } from '@tiptap/pm/model'

/** The Y.XmlFragment that holds the document (Tiptap's default field). */
export const DOC_FIELD = 'default'

export function documentExtensions(): AnyExtension[] {
  return [
    StarterKit.configure({
      // Yjs brings its own undo manager, which only undoes local changes.
      undoRedo: false,
      heading: { levels: [1, 2, 3, 4, 5, 6] },
      link: { openOnClick: false, autolink: true, defaultProtocol: 'https' },
      // UI-only helpers; they add no content types.
      trailingNode: false,
    }),
  ]
}

export function documentSchema(): Schema {
  return getSchema(documentExtensions())
}

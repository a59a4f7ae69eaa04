/**
 * The one definition of the editor's document schema.
 *
 * The client builds its Tiptap editor from these extensions (plus
 * collaboration and UI-only ones that add no nodes or marks), and the server
 * builds its ProseMirror schema from the same list. The server's AI writer,
 * importers and exporters therefore only ever produce content the editor
 * accepts.
 */
import { getSchema, type AnyExtension } from '@tiptap/core'
import StarterKit from '@tiptap/starter-kit'
import Highlight from '@tiptap/extension-highlight'
import { TaskItem, TaskList } from '@tiptap/extension-list'
import { TableKit } from '@tiptap/extension-table'
import type { Schema } from '@tiptap/pm/model'
import { safeHref } from './markdown/href.ts'

/** The Y.XmlFragment that holds the document (Tiptap's default field). */
export const DOC_FIELD = 'default'

export function documentExtensions(): AnyExtension[] {
  return [
    StarterKit.configure({
      // Yjs brings its own undo manager, which only undoes local changes.
      undoRedo: false,
      heading: { levels: [1, 2, 3, 4, 5, 6] },
      link: {
        openOnClick: false,
        autolink: true,
        defaultProtocol: 'https',
        protocols: ['http', 'https', 'mailto'],
        // One rule for every way a link gets in: typed, pasted HTML, the link dialog.
        isAllowedUri: (url) => safeHref(url) !== null,
        // Tiptap's default attributes already open links in a new tab with rel="noopener noreferrer nofollow".
      },
      // UI-only helpers; they add no content types.
      trailingNode: false,
    }),
    Highlight,
    TaskList,
    // Task items hold paragraphs and nested lists, like list items.
    TaskItem.configure({ nested: true }),
    // Column resizing would store pixel widths per cell; tables size to their content instead.
    TableKit.configure({ table: { resizable: false } }),
  ]
}

export function documentSchema(): Schema {
  return getSchema(documentExtensions())
}

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
import Link from '@tiptap/extension-link'
import { TaskItem, TaskList } from '@tiptap/extension-list'
import { TableKit } from '@tiptap/extension-table'
import type { Schema } from '@tiptap/pm/model'
import { safeHref } from './markdown/href.ts'

/** The Y.XmlFragment that holds the document (Tiptap's default field). */
export const DOC_FIELD = 'default'

/** What every link carries, whatever a pasted page, an imported file or a peer's update says. */
export const LINK_TARGET = '_blank'
export const LINK_REL = 'noopener noreferrer nofollow'

/**
 * Tiptap's Link reads `target`, `rel` and `class` from pasted or imported
 * HTML and renders whatever is stored. A page (or a peer writing to the
 * Y.Doc directly) could then store `rel="opener"` or a class that restyles
 * the editor. Here these attributes are never read and always rendered as
 * the product's own: a new tab without access to the opener.
 */
const SafeLink = Link.extend({
  addAttributes() {
    return {
      ...this.parent?.(),
      target: { default: LINK_TARGET, parseHTML: () => LINK_TARGET, renderHTML: () => ({ target: LINK_TARGET }) },
      rel: { default: LINK_REL, parseHTML: () => LINK_REL, renderHTML: () => ({ rel: LINK_REL }) },
      class: { default: null, parseHTML: () => null, renderHTML: () => ({}) },
    }
  },
})

export function documentExtensions(): AnyExtension[] {
  return [
    StarterKit.configure({
      // Yjs brings its own undo manager, which only undoes local changes.
      undoRedo: false,
      heading: { levels: [1, 2, 3, 4, 5, 6] },
      link: false,
      // UI-only helpers; they add no content types.
      trailingNode: false,
    }),
    SafeLink.configure({
      openOnClick: false,
      autolink: true,
      defaultProtocol: 'https',
      protocols: ['http', 'https', 'mailto'],
      // One rule for every way a link gets in: typed, pasted HTML, imported, the link dialog.
      // A peer writing to the Y.Doc can leave href out (null) or make it a number: a throw here,
      // while rendering, broke the Yjs binding and nobody's typing was sent any more.
      isAllowedUri: (url: unknown) => typeof url === 'string' && safeHref(url) !== null,
    }),
    Highlight,
    TaskList,
    // Task items hold paragraphs and nested lists, like list items.
    TaskItem.configure({
      nested: true,
      // The box is named by its own line, not by the tasks nested under it too.
      a11y: { checkboxLabel: (node) => `Task item checkbox for ${node.firstChild?.textContent || 'empty task item'}` },
    }),
    // Column resizing would store pixel widths per cell; tables size to their content instead.
    TableKit.configure({ table: { resizable: false } }),
  ]
}

/**
 * Whether a task item is ticked, as its box shows it: Tiptap's task item
 * sets `checkbox.checked = attrs.checked`, so any truthy value a peer
 * stored ("yes", 7) shows a tick. Exports and prompts read it the same way.
 */
export function isTaskChecked(value: unknown): boolean {
  return Boolean(value)
}

export function documentSchema(): Schema {
  return getSchema(documentExtensions())
}

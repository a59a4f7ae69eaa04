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
import type { MarkType, Schema } from '@tiptap/pm/model'
import { Plugin, PluginKey, type Transaction } from '@tiptap/pm/state'
import { forChangedNodes } from './changedNodes.ts'
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
  addProseMirrorPlugins() {
    return [...(this.parent?.() ?? []), unsafeLinkGuard(this.type)]
  },
  addAttributes() {
    return {
      ...this.parent?.(),
      target: { default: LINK_TARGET, parseHTML: () => LINK_TARGET, renderHTML: () => ({ target: LINK_TARGET }) },
      rel: { default: LINK_REL, parseHTML: () => LINK_REL, renderHTML: () => ({ rel: LINK_REL }) },
      class: { default: null, parseHTML: () => null, renderHTML: () => ({}) },
    }
  },
})

function allowedHref(href: unknown): boolean {
  return typeof href === 'string' && safeHref(href) !== null
}

/**
 * In the editor: a link whose target is not allowed (a peer writing to the
 * Y.Doc directly can store `javascript:`, `data:`, a relative path, or no
 * string at all) loses its link mark, keeping its text. The editor renders
 * such a link without an href, but the link card's Open button, copies and
 * exports read the mark itself. Every editor removes the same mark, so their
 * writes agree.
 */
function unsafeLinkGuard(link: MarkType): Plugin {
  let removed = false
  return new Plugin({
    key: new PluginKey('unsafeLinkGuard'),
    // The Yjs binding does not write what is appended to a remote change while it applies it;
    // it writes the whole difference at the next update of the view, which this one brings.
    view: (view) => {
      let timer: ReturnType<typeof setTimeout> | null = null
      return {
        update: () => {
          if (!removed || timer !== null) return
          removed = false
          timer = setTimeout(() => {
            timer = null
            if (!view.isDestroyed) view.dispatch(view.state.tr.setMeta('addToHistory', false))
          }, 0)
        },
        destroy: () => {
          if (timer !== null) clearTimeout(timer)
        },
      }
    },
    appendTransaction: (transactions, oldState, state) => {
      if (!transactions.some((tr) => tr.docChanged)) return null
      let tr: Transaction | null = null
      forChangedNodes(oldState.doc, state.doc, (block, pos) => {
        if (!block.isTextblock) return true
        block.forEach((child, offset) => {
          const mark = child.marks.find((m) => m.type === link)
          if (mark === undefined || allowedHref(mark.attrs.href)) return
          tr ??= state.tr
          tr.removeMark(pos + 1 + offset, pos + 1 + offset + child.nodeSize, mark)
          removed = true
        })
        return false
      })
      return tr === null ? null : (tr as Transaction).setMeta('addToHistory', false)
    },
  })
}

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
      isAllowedUri: allowedHref,
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

/**
 * What a paste brings into the shared document.
 *
 * - Markdown copied as text (an editor, a terminal, a chat) becomes
 *   formatted content, when it looks like Markdown (looksLikeMarkdown.ts).
 *   Code editors such as VS Code also put an HTML copy on the clipboard that
 *   is only coloured spans around the same text: that counts as text too.
 *   Inside a code block a paste stays literal (ProseMirror's own rule, which
 *   runs when this handler declines).
 * - HTML from another page goes through ProseMirror's parser with the
 *   document schema, which keeps what the schema knows and drops the rest
 *   (scripts, styles, frames, images). Checkbox lists (a GitHub README)
 *   become task lists first, as in an imported file; links and table cells
 *   are cleaned after (pastedContent.ts).
 * - Ctrl+Shift+V pastes the text as it is: no Markdown, and (PASTE_RULES)
 *   no mark found in it by a pattern.
 *
 * The Markdown paste is one transaction, like any paste: one undo step, and
 * it reaches everyone through the editor's Yjs binding.
 */
import { Extension } from '@tiptap/core'
import type { Slice } from '@tiptap/pm/model'
import { Plugin, PluginKey } from '@tiptap/pm/state'
import type { EditorView } from '@tiptap/pm/view'
import { markCheckboxLists } from '../../../../shared/checkboxLists.ts'
import { looksLikeMarkdown } from './looksLikeMarkdown.ts'
import { markdownSlice } from './markdownSlice.ts'
import { cleanPasted } from './pastedContent.ts'

/**
 * The editor's `enablePasteRules`: only the link's (a pasted address becomes
 * a link). Tiptap's mark paste rules re-read every pasted text with their own
 * patterns, after this handler and even on a plain paste: "2 * 3 * 4" lost
 * its stars to an italic " 3 ", and `**not bold**` pasted with Ctrl+Shift+V
 * turned bold. Markdown is read here, once, by the product's one reader.
 */
export const PASTE_RULES = ['link']

// Elements that carry no formatting of their own: a wrapper around plain text.
const WRAPPER_TAGS = new Set(['HTML', 'HEAD', 'BODY', 'META', 'STYLE', 'TITLE', 'DIV', 'SPAN', 'P', 'BR', 'PRE', 'FONT'])

/** True for HTML that is only a styled copy of the text (VS Code's coloured spans, a <pre>). */
export function isPlainTextWrapper(html: string): boolean {
  // Copied from a ProseMirror editor (this one included): its HTML is the exact content.
  if (html.includes('data-pm-slice')) return false
  const parsed = new DOMParser().parseFromString(html, 'text/html')
  return Array.from(parsed.querySelectorAll('*')).every((element) => WRAPPER_TAGS.has(element.tagName))
}

/** A page's `<li><input type="checkbox">` lists as the task lists the schema reads. */
export function checkboxListsAsTasks(html: string): string {
  if (!/<input/i.test(html)) return html
  const parsed = new DOMParser().parseFromString(html, 'text/html')
  markCheckboxLists(parsed.body)
  return parsed.body.innerHTML
}

/** Whether the caret is inside a node of type `name` (a table, say). */
function insideNode(view: EditorView, name: string): boolean {
  const { $from } = view.state.selection
  for (let depth = $from.depth; depth > 0; depth--) if ($from.node(depth).type.name === name) return true
  return false
}

function containsNode(slice: Slice, name: string): boolean {
  let found = false
  slice.content.descendants((node) => {
    found ||= node.type.name === name
    return !found
  })
  return found
}

function pasteMarkdown(view: EditorView, event: ClipboardEvent): boolean {
  const data = event.clipboardData
  if (!data || view.state.selection.$from.parent.type.spec.code) return false
  const text = data.getData('text/plain')
  const html = data.getData('text/html')
  if (text === '' || (html !== '' && !isPlainTextWrapper(html))) return false
  if (!looksLikeMarkdown(text)) return false
  const slice = markdownSlice(text, view.state.schema, view.state.selection.$from)
  // A table inside a table cell is valid but unusable; there the rows arrive as text.
  if (!slice || (insideNode(view, 'table') && containsNode(slice, 'table'))) return false
  view.dispatch(view.state.tr.replaceSelection(slice).scrollIntoView().setMeta('paste', true))
  return true
}

export const PasteHandling = Extension.create({
  name: 'pasteHandling',

  addProseMirrorPlugins() {
    // Mod-Shift-V asks for plain text: then Markdown stays as typed.
    let plainRequested = false
    return [
      new Plugin({
        key: new PluginKey('pasteHandling'),
        props: {
          handleKeyDown: (_, event) => {
            plainRequested = event.shiftKey && (event.ctrlKey || event.metaKey) && event.key.toLowerCase() === 'v'
            return false
          },
          handlePaste: (view, event) => {
            const plain = plainRequested
            plainRequested = false
            return !plain && pasteMarkdown(view, event)
          },
          transformPastedHTML: (html) => checkboxListsAsTasks(html),
          transformPasted: (slice, view) => cleanPasted(slice, view.state.schema),
        },
      }),
    ]
  },
})

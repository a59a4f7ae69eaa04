/**
 * Reading and changing the link at the selection. Each change is one
 * transaction through the editor's commands, so it is one undo step and
 * syncs like typing.
 */
import { getMarkRange, type Editor } from '@tiptap/core'

export interface LinkRange {
  from: number
  to: number
  href: string
}

/** The link the caret is in, or that holds the whole selection; null otherwise. */
export function linkAtSelection(editor: Editor): LinkRange | null {
  const { state } = editor
  const type = state.schema.marks.link
  if (!type) return null
  const { $from, from, to } = state.selection
  // At a link's end the caret's marks are the text before it; look just inside too.
  const range = getMarkRange($from, type) ?? (from > 0 ? getMarkRange(state.doc.resolve(from - 1), type) : undefined)
  if (!range || range.from > from || range.to < to) return null
  const mark = state.doc.nodeAt(range.from)?.marks.find((candidate) => candidate.type === type)
  const href = typeof mark?.attrs.href === 'string' ? mark.attrs.href : null
  return href === null ? null : { from: range.from, to: range.to, href }
}

/**
 * Links `href`: the existing link (`target`), else the selection, else new
 * text at the caret (`text`, or the address itself when no text is given).
 */
export function applyLink(editor: Editor, href: string, target: LinkRange | null, text: string): boolean {
  const chain = editor.chain().focus()
  if (target) return chain.setTextSelection({ from: target.from, to: target.to }).setLink({ href }).setTextSelection(target.to).run()
  if (!editor.state.selection.empty) return chain.setLink({ href }).run()
  const shown = text.trim() === '' ? href.replace(/^mailto:/i, '') : text
  return (
    chain
      .insertContent({ type: 'text', text: shown, marks: [{ type: 'link', attrs: { href } }] })
      // Links are inclusive (autolink extends them as a URL is typed): what comes next is plain text.
      .unsetMark('link')
      .run()
  )
}

export function removeLink(editor: Editor, target: LinkRange): boolean {
  return editor.chain().focus().setTextSelection({ from: target.from, to: target.to }).unsetLink().setTextSelection(target.to).run()
}

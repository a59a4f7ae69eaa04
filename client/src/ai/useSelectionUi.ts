import type { Editor } from '@tiptap/core'
import { TextSelection, type Selection } from '@tiptap/pm/state'
import { CellSelection } from '@tiptap/pm/tables'
import { useEditorState } from '@tiptap/react'
import { useEffect, useState } from 'react'

export interface SelectionUi {
  /** A text selection with something other than whitespace in it. */
  hasText: boolean
  from: number
  to: number
  /** The editor has focus, or had it a moment ago (focus may be moving into a menu). */
  focused: boolean
  /** A mouse or touch selection is still being dragged. */
  dragging: boolean
}

/**
 * The span a selection covers. A cell selection (a drag across table cells)
 * is one range per cell, and its own from/to are only its first range's: the
 * span runs from the start of its first cell to the end of its last, so the
 * AI is asked about all of them (and a whole table's cells are the table).
 */
export function selectionSpan(sel: Selection): { from: number; to: number } {
  if (!(sel instanceof CellSelection)) return { from: sel.from, to: sel.to }
  return { from: Math.min(...sel.ranges.map((r) => r.$from.pos)), to: Math.max(...sel.ranges.map((r) => r.$to.pos)) }
}

/** What a selection menu needs to decide whether and where to show. */
export function useSelectionUi(editor: Editor): SelectionUi {
  const selection = useEditorState({
    editor,
    selector: ({ editor: current }) => {
      const { selection: sel, doc } = current.state
      const { from, to } = selectionSpan(sel)
      const textual = sel instanceof TextSelection || sel instanceof CellSelection
      const hasText = current.isEditable && textual && !sel.empty && doc.textBetween(from, to, ' ').trim() !== ''
      return { hasText, from, to }
    },
    equalityFn: (a, b) => b !== null && a.hasText === b.hasText && a.from === b.from && a.to === b.to,
  })
  const [focused, setFocused] = useState(editor.isFocused)
  const [dragging, setDragging] = useState(false)

  useEffect(() => {
    let blurTimer: ReturnType<typeof setTimeout> | null = null
    const onFocus = () => {
      if (blurTimer !== null) clearTimeout(blurTimer)
      setFocused(true)
    }
    // Deferred: when focus moves into the menu, the menu marks itself focused first.
    const onBlur = () => {
      blurTimer = setTimeout(() => setFocused(editor.isFocused), 150)
    }
    const dom = editor.view.dom
    const onPointerDown = () => setDragging(true)
    const onPointerUp = () => setDragging(false)
    editor.on('focus', onFocus)
    editor.on('blur', onBlur)
    dom.addEventListener('pointerdown', onPointerDown)
    window.addEventListener('pointerup', onPointerUp)
    window.addEventListener('pointercancel', onPointerUp)
    return () => {
      if (blurTimer !== null) clearTimeout(blurTimer)
      editor.off('focus', onFocus)
      editor.off('blur', onBlur)
      dom.removeEventListener('pointerdown', onPointerDown)
      window.removeEventListener('pointerup', onPointerUp)
      window.removeEventListener('pointercancel', onPointerUp)
    }
  }, [editor])

  return { ...(selection ?? { hasText: false, from: 0, to: 0 }), focused, dragging }
}

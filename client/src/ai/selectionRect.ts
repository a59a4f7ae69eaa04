import type { Editor } from '@tiptap/core'
import type { AnchorRect } from '../ui/useFloating.ts'

/** The viewport rectangle of a document range (or caret), or null if it cannot be measured. */
export function rangeRect(editor: Editor, from: number, to: number = from): AnchorRect | null {
  if (editor.isDestroyed) return null
  try {
    const start = editor.view.coordsAtPos(from)
    const end = to === from ? start : editor.view.coordsAtPos(to)
    return {
      top: Math.min(start.top, end.top),
      bottom: Math.max(start.bottom, end.bottom),
      // A range over several lines: center on its first line's start and last line's end.
      left: Math.min(start.left, end.left),
      right: Math.max(start.right, end.right),
    }
  } catch {
    // Positions can be briefly invalid while a remote change is applied.
    return null
  }
}

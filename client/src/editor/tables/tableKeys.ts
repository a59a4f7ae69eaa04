/**
 * Shift+Tab in a table's first cell stays there. Tiptap's table keymap moves
 * to the previous cell and, in the first one, lets the key through to the
 * browser, which moves focus out of the document to the toolbar: someone
 * going back through the cells lands outside the document, and what they type
 * next goes nowhere. Tab in the last cell adds a row, so neither direction
 * leaves the table (Alt+F10 reaches the toolbar).
 */
import { Extension } from '@tiptap/core'

export const TableKeys = Extension.create({
  name: 'tableKeys',
  // Below the table's and the lists' own Shift-Tab (100), which go first.
  priority: 50,

  addKeyboardShortcuts() {
    return {
      'Shift-Tab': () => this.editor.isActive('table'),
    }
  },
})

/**
 * Keyboard entry points of the editing UI that lives outside the document:
 * - `Mod-k`: the link editor (add a link to the selection, or edit the one at the caret);
 * - `Escape`: close the link card at the caret. ProseMirror marks every
 *   Escape in the document as handled, so a listener on the page never
 *   learns of it; the card has to be told from here;
 * - `Alt-F10`: focus the formatting toolbar (the convention of desktop word
 *   processors), since Tab and Shift-Tab belong to lists and tables inside the document.
 *
 * The handlers are read at key time (a function, as in aiShortcuts.ts), so
 * React can own the UI state without rebuilding the editor.
 */
import { Extension, type Editor } from '@tiptap/core'

export interface EditingHandlers {
  /** Returns whether the link editor opened. */
  openLinkEditor: () => boolean
  /** Returns whether there was a link card to close. */
  closeLinkCard: () => boolean
}

export const NO_EDITING_HANDLERS: EditingHandlers = { openLinkEditor: () => false, closeLinkCard: () => false }

declare module '@tiptap/core' {
  interface Commands<ReturnType> {
    linkEditor: {
      /** Opens the link editor for the selection (the toolbar's Link button and Mod-k). */
      openLinkEditor: () => ReturnType
    }
  }
}

export const EditingShortcuts = Extension.create<{ getHandlers: () => EditingHandlers }>({
  name: 'editingShortcuts',

  addOptions() {
    return { getHandlers: () => NO_EDITING_HANDLERS }
  },

  addCommands() {
    return {
      openLinkEditor:
        () =>
        ({ editor }) =>
          // Not where links cannot be (a code block): there Mod-k is left to the browser.
          canLink(editor) && this.options.getHandlers().openLinkEditor(),
    }
  },

  addKeyboardShortcuts() {
    return {
      'Mod-k': () => this.editor.commands.openLinkEditor(),
      // Below AiShortcuts' Escape, which stops a running AI job first.
      Escape: () => this.options.getHandlers().closeLinkCard(),
      'Alt-F10': () => focusToolbar(),
    }
  },
})

/** Whether a link can be added or edited here (not in a code block, not read-only). */
export function canLink(editor: Editor): boolean {
  return editor.isEditable && (editor.isActive('link') || editor.can().setLink({ href: 'https://example.com' }))
}

function focusToolbar(): boolean {
  const stop = document.querySelector<HTMLElement>('[role="toolbar"][data-testid="toolbar"] [tabindex="0"]')
  stop?.focus()
  return stop !== null
}

/**
 * Keyboard entry points of the AI feature, as one editor extension:
 * - `Mod-j`: AI commands (or the rewrite menu when text is selected);
 * - `/` typed in an empty paragraph: AI commands;
 * - `Mod-z` right after my AI job finished: offer to discard it;
 * - `Escape` while my AI job runs: stop it, as the panel's Stop button does.
 *
 * Its priority is above Collaboration's (1000) so that `Mod-z` reaches this
 * extension first; when there is no finished job it returns false and the
 * normal (Yjs) undo runs.
 */
import { Extension, type Editor } from '@tiptap/core'
import { Plugin, PluginKey } from '@tiptap/pm/state'
import type { EditorState } from '@tiptap/pm/state'

export interface AiShortcutHandlers {
  /** Returns whether it opened something. */
  openAi: (editor: Editor, via: 'shortcut' | 'slash') => boolean
  /** Returns whether Mod-z was taken over. */
  interceptUndo: () => boolean
  /** Returns whether there was a running job to stop. */
  stopJob: () => boolean
}

export interface AiShortcutsOptions {
  /**
   * Read at key time, so React can swap handlers without rebuilding the
   * editor. A function, not a ref object: `configure()` deep-merges plain
   * objects into copies, which would cut the link to the ref.
   */
  getHandlers: () => AiShortcutHandlers
}

export const NO_AI_HANDLERS: AiShortcutHandlers = { openAi: () => false, interceptUndo: () => false, stopJob: () => false }

export function isInEmptyParagraph(state: EditorState): boolean {
  const { selection } = state
  if (!selection.empty) return false
  const parent = selection.$from.parent
  return parent.type.name === 'paragraph' && parent.content.size === 0
}

export const AiShortcuts = Extension.create<AiShortcutsOptions>({
  name: 'aiShortcuts',
  priority: 10_000,

  addOptions() {
    return { getHandlers: () => NO_AI_HANDLERS }
  },

  addKeyboardShortcuts() {
    return {
      'Mod-j': () => this.options.getHandlers().openAi(this.editor, 'shortcut'),
      'Mod-z': () => this.options.getHandlers().interceptUndo(),
      // Without a running job, Escape is left to whatever else wants it.
      Escape: () => this.options.getHandlers().stopJob(),
    }
  },

  addProseMirrorPlugins() {
    const editor = this.editor
    const getHandlers = this.options.getHandlers
    return [
      new Plugin({
        key: new PluginKey('aiSlashCommand'),
        props: {
          // `event.key` is the character typed, whatever the keyboard layout.
          // Not handleTextInput: ProseMirror skips it for the first character
          // typed into an empty paragraph, which is exactly this case.
          handleKeyDown: (view, event) => {
            if (event.key !== '/' || event.ctrlKey || event.metaKey || event.altKey || event.isComposing) return false
            if (!isInEmptyParagraph(view.state)) return false
            return getHandlers().openAi(editor, 'slash')
          },
        },
      }),
    ]
  },
})

/**
 * Task checkboxes follow the editor's editability, and the keyboard.
 *
 * TaskItem's node view leaves the checkbox enabled in a read-only editor and
 * flips it back after each click: a viewer sees a working control that does
 * nothing, and a screen reader announces a change that never happened. A
 * disabled checkbox says the truth. Node views are not redrawn when only
 * editability changes (a closed connection makes the editor read-only), so a
 * plugin view keeps them in step after every update.
 *
 * A checkbox is reached with Tab from the text before its list. There Space
 * ticks it (the browser's own click) and so does Enter; no other key reaches
 * the document, whose keymap would otherwise act at the caret, out of sight
 * (Enter split the item the caret was in, Backspace deleted there). With the
 * caret in a task, Mod-Enter ticks it (toggleTasks.ts).
 */
import { Extension } from '@tiptap/core'
import { Plugin, PluginKey } from '@tiptap/pm/state'
import type { EditorView } from '@tiptap/pm/view'
import { toggleTasks } from './toggleTasks.ts'

const CHECKBOXES = 'ul[data-type="taskList"] > li > label > input[type="checkbox"]'

function sync(view: EditorView): void {
  const disabled = !view.editable
  for (const box of view.dom.querySelectorAll<HTMLInputElement>(CHECKBOXES)) {
    if (box.disabled !== disabled) box.disabled = disabled
  }
}

/** Keys pressed on a focused checkbox: Enter ticks it; the rest is the browser's (Space, Tab), never the document's. */
function checkboxKeyDown(event: KeyboardEvent): boolean {
  const box = event.target
  if (!(box instanceof HTMLInputElement) || !box.matches(CHECKBOXES)) return false
  if (event.key === 'Enter') {
    event.preventDefault()
    if (!box.disabled) box.click()
  }
  return true
}

export const TaskCheckboxes = Extension.create({
  name: 'taskCheckboxes',
  // Above HardBreak (100), whose Mod-Enter still breaks the line outside task items.
  priority: 200,

  addKeyboardShortcuts() {
    return {
      'Mod-Enter': ({ editor }) => toggleTasks(editor.state, editor.view.dispatch),
    }
  },

  addProseMirrorPlugins() {
    return [
      new Plugin({
        key: new PluginKey('taskCheckboxes'),
        props: { handleDOMEvents: { keydown: (_, event) => checkboxKeyDown(event) } },
        view: (view) => {
          sync(view)
          let editable = view.editable
          return {
            update: (current, previous) => {
              // Only new items or a change of editability can bring a checkbox out of step.
              if (current.state.doc === previous.doc && current.editable === editable) return
              editable = current.editable
              sync(current)
            },
          }
        },
      }),
    ]
  },
})

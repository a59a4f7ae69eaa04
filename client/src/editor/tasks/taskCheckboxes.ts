/**
 * Task checkboxes follow the editor's editability.
 *
 * TaskItem's node view leaves the checkbox enabled in a read-only editor and
 * flips it back after each click: a viewer sees a working control that does
 * nothing, and a screen reader announces a change that never happened. A
 * disabled checkbox says the truth. Node views are not redrawn when only
 * editability changes (a closed connection makes the editor read-only), so a
 * plugin view keeps them in step after every update.
 */
import { Extension } from '@tiptap/core'
import { Plugin, PluginKey } from '@tiptap/pm/state'
import type { EditorView } from '@tiptap/pm/view'

const CHECKBOXES = 'ul[data-type="taskList"] > li > label > input[type="checkbox"]'

function sync(view: EditorView): void {
  const disabled = !view.editable
  for (const box of view.dom.querySelectorAll<HTMLInputElement>(CHECKBOXES)) {
    if (box.disabled !== disabled) box.disabled = disabled
  }
}

export const TaskCheckboxes = Extension.create({
  name: 'taskCheckboxes',

  addProseMirrorPlugins() {
    return [
      new Plugin({
        key: new PluginKey('taskCheckboxes'),
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

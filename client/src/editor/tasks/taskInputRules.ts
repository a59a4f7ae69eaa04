/**
 * Markdown-style task items typed at the start of a list item.
 *
 * TaskItem's own rule turns "[ ] " at the start of a plain paragraph into a
 * task. But "- [ ] " is how people write tasks in Markdown, and "- " has
 * already made a bullet list by the time "[ ] " arrives; TaskItem's rule would
 * then try to nest a task list inside the bullet item. This rule runs first
 * (higher priority) and converts the bullet (or numbered) item itself. In a
 * task item, "[x] " or a whole "- [ ] " just sets the box, so typing the next
 * Markdown line after Enter does what it says instead of leaving the syntax
 * in the text.
 */
import { Extension, InputRule } from '@tiptap/core'

const TASK_SYNTAX = /^\s*(?:[-+*]\s)?\[([ xX]?)\]\s$/

export const TaskInputRules = Extension.create({
  name: 'taskInputRules',
  // Above TaskItem (100): the first rule that changes something wins.
  priority: 200,

  addInputRules() {
    return [
      new InputRule({
        find: TASK_SYNTAX,
        handler: ({ state, range, match, chain }) => {
          const checked = (match[1] ?? '').toLowerCase() === 'x'
          const $from = state.doc.resolve(range.from)
          if ($from.parent.type.name !== 'paragraph' || $from.depth < 2 || $from.index(-1) !== 0) return null
          const item = $from.node(-1)
          if (item.type.name === 'taskItem') {
            const itemPos = $from.before(-1)
            state.tr.delete(range.from, range.to).setNodeMarkup(itemPos, undefined, { ...item.attrs, checked })
            return
          }
          if (item.type.name !== 'listItem') return null
          chain().deleteRange(range).toggleTaskList().updateAttributes('taskItem', { checked }).run()
        },
      }),
    ]
  },
})

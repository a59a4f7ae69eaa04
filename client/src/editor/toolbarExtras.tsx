/** Toolbar items for underline, highlight, links, task lists and tables (toolbarItems.tsx places them). */
import type { Transaction } from '@tiptap/pm/state'
import type { ReactNode } from 'react'
import { HighlightIcon, LinkIcon, TableIcon, TaskListIcon } from '../ui/icons.tsx'
import { canLink } from './editingShortcuts.ts'
import type { ToolbarItem } from './toolbarItems.tsx'

const markToggle = (id: 'underline' | 'highlight', label: string, shortcut: string, content: ReactNode): ToolbarItem => ({
  id,
  label,
  shortcut,
  content,
  toggle: true,
  isActive: (editor) => editor.isActive(id),
  canRun: (editor) => editor.can().toggleMark(id),
  run: (editor) => editor.chain().focus().toggleMark(id).run(),
})

export const UNDERLINE = markToggle('underline', 'Underline', 'Mod-U', <u className="toolbar__text">U</u>)

export const HIGHLIGHT = markToggle('highlight', 'Highlight', 'Mod-Shift-H', <HighlightIcon />)

export const LINK: ToolbarItem = {
  id: 'link',
  label: 'Link',
  shortcut: 'Mod-K',
  content: <LinkIcon />,
  toggle: true,
  isActive: (editor) => editor.isActive('link'),
  canRun: canLink,
  run: (editor) => editor.commands.openLinkEditor(),
}

export const BLOCK_EXTRAS: ToolbarItem[] = [
  {
    id: 'taskList',
    label: 'Task list',
    shortcut: 'Mod-Shift-9',
    content: <TaskListIcon />,
    toggle: true,
    isActive: (editor) => editor.isActive('taskList'),
    canRun: (editor) => editor.can().toggleTaskList(),
    run: (editor) => editor.chain().focus().toggleTaskList().run(),
  },
  {
    id: 'table',
    label: 'Insert table',
    content: <TableIcon />,
    toggle: false,
    isActive: () => false,
    // Tables inside table cells are allowed by the schema but hard to use on any screen.
    canRun: (editor) => !editor.isActive('table') && editor.can().insertTable({ rows: 3, cols: 3, withHeaderRow: true }),
    run: (editor) => editor.chain().focus().insertTable({ rows: 3, cols: 3, withHeaderRow: true }).command(lineAfterLastTable).run(),
  },
]

/**
 * A table that ends the document gets an empty paragraph after it, as a
 * divider does: otherwise there is nowhere to tap to write below it (on a
 * phone, without arrow keys to reach the gap cursor, a dead end). Inserting
 * at the end leaves the caret in the table's first cell.
 */
function lineAfterLastTable({ tr }: { tr: Transaction }): boolean {
  const paragraph = tr.doc.type.schema.nodes.paragraph
  if (paragraph && tr.doc.lastChild?.type.name === 'table') tr.insert(tr.doc.content.size, paragraph.create())
  return true
}

/** What the table menu offers: Tiptap's table commands, in the order people look for them. */
import type { ChainedCommands, Editor } from '@tiptap/core'
import type { EditorState } from '@tiptap/pm/state'
import { isInTable, selectedRect } from '@tiptap/pm/tables'

export interface TableAction {
  id: string
  label: string
  /** Destructive actions are set apart in the menu. */
  danger?: boolean
  command: (chain: ChainedCommands, state: EditorState) => ChainedCommands
}

/**
 * Whether the selected rows (or columns) are all the table has. prosemirror-tables
 * refuses to delete those, yet answers that it can: the menu item did nothing.
 * Deleting a table's last row or column deletes the table, as word processors do.
 */
function wholeTable(state: EditorState, axis: 'rows' | 'columns'): boolean {
  if (!isInTable(state)) return false
  const { top, bottom, left, right, map } = selectedRect(state)
  return axis === 'rows' ? top === 0 && bottom === map.height : left === 0 && right === map.width
}

export const TABLE_ACTIONS: readonly TableAction[] = [
  { id: 'addRowBefore', label: 'Add row above', command: (chain) => chain.addRowBefore() },
  { id: 'addRowAfter', label: 'Add row below', command: (chain) => chain.addRowAfter() },
  { id: 'addColumnBefore', label: 'Add column before', command: (chain) => chain.addColumnBefore() },
  { id: 'addColumnAfter', label: 'Add column after', command: (chain) => chain.addColumnAfter() },
  { id: 'toggleHeaderRow', label: 'Header row on/off', command: (chain) => chain.toggleHeaderRow() },
  { id: 'deleteRow', label: 'Delete row', danger: true, command: (chain, state) => (wholeTable(state, 'rows') ? chain.deleteTable() : chain.deleteRow()) },
  { id: 'deleteColumn', label: 'Delete column', danger: true, command: (chain, state) => (wholeTable(state, 'columns') ? chain.deleteTable() : chain.deleteColumn()) },
  { id: 'deleteTable', label: 'Delete table', danger: true, command: (chain) => chain.deleteTable() },
]

export function canRunTableAction(editor: Editor, action: TableAction): boolean {
  return action.command(editor.can().chain(), editor.state).run()
}

/** Runs an action and puts focus back in the table, where the person was typing. */
export function runTableAction(editor: Editor, action: TableAction): boolean {
  return action.command(editor.chain().focus(), editor.state).run()
}

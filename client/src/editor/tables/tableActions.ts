/** What the table menu offers: Tiptap's table commands, in the order people look for them. */
import type { ChainedCommands, Editor } from '@tiptap/core'

export interface TableAction {
  id: string
  label: string
  /** Destructive actions are set apart in the menu. */
  danger?: boolean
  command: (chain: ChainedCommands) => ChainedCommands
}

export const TABLE_ACTIONS: readonly TableAction[] = [
  { id: 'addRowBefore', label: 'Add row above', command: (chain) => chain.addRowBefore() },
  { id: 'addRowAfter', label: 'Add row below', command: (chain) => chain.addRowAfter() },
  { id: 'addColumnBefore', label: 'Add column before', command: (chain) => chain.addColumnBefore() },
  { id: 'addColumnAfter', label: 'Add column after', command: (chain) => chain.addColumnAfter() },
  { id: 'toggleHeaderRow', label: 'Header row on/off', command: (chain) => chain.toggleHeaderRow() },
  { id: 'deleteRow', label: 'Delete row', danger: true, command: (chain) => chain.deleteRow() },
  { id: 'deleteColumn', label: 'Delete column', danger: true, command: (chain) => chain.deleteColumn() },
  { id: 'deleteTable', label: 'Delete table', danger: true, command: (chain) => chain.deleteTable() },
]

export function canRunTableAction(editor: Editor, action: TableAction): boolean {
  return action.command(editor.can().chain()).run()
}

/** Runs an action and puts focus back in the table, where the person was typing. */
export function runTableAction(editor: Editor, action: TableAction): boolean {
  return action.command(editor.chain().focus()).run()
}

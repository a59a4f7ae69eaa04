/**
 * Irregular tables are repaired by one editor, not by everyone at once.
 *
 * prosemirror-tables keeps tables rectangular: after any transaction that
 * leaves a row short (or a rowspan too long), its `fixTables` adds the missing
 * cells. In a shared document every editor runs it on every change, remote
 * ones included, and y-prosemirror writes each editor's repair into the
 * Y.Doc. Two editors that see the same short row (a row added while someone
 * else added a column, a peer's undo) both add its cell; the row is now too
 * long, so every other row is short, and both repair again. A 4-column table
 * grew to 21 columns in seconds this way, and a word being typed was split
 * across the cells inserted around it.
 *
 * So a repair is written once:
 * - a local edit that itself makes a table irregular is repaired in the same
 *   transaction, as prosemirror-tables does: nobody else has seen that state;
 * - an irregular table that arrives through Yjs, or that already was
 *   irregular before a local edit touched it, is repaired by a separate
 *   transaction of one editor. The one who undid (their undo made it) goes
 *   at once; otherwise the editors wait in the order of their awareness
 *   client ids, and each repairs only if the table is still irregular when
 *   its turn comes, so the first repair that arrives ends it for everyone.
 *
 * Until then the table shows a short row, which costs nothing: nobody's
 * words depend on the missing cells.
 */
import { Extension } from '@tiptap/core'
import type { Node as PmNode } from '@tiptap/pm/model'
import { Plugin, PluginKey } from '@tiptap/pm/state'
import { TableMap, fixTables, fixTablesKey } from '@tiptap/pm/tables'
import { ySyncPluginKey } from '@tiptap/y-tiptap'
import type { Awareness } from 'y-protocols/awareness'
import { tableSpansPlugin } from './tableSpans.ts'

export interface TableRepairOptions {
  awareness: Awareness | null
  /** The wait of the first editor in line, and between two editors' turns. */
  firstTurnMs: number
  turnMs: number
}

export const TABLE_REPAIR_DEFAULTS: TableRepairOptions = { awareness: null, firstTurnMs: 400, turnMs: 2500 }

interface SyncMeta {
  isChangeOrigin?: boolean
  isUndoRedoOperation?: boolean
}

function hasIrregularTable(doc: PmNode): boolean {
  let found = false
  doc.descendants((node) => {
    if (found) return false
    if (node.type.spec.tableRole === 'table' && TableMap.get(node).problems) found = true
    return !found
  })
  return found
}

/** My place in the line of editors: people in the room (not AI jobs), by client id. */
function turn(awareness: Awareness | null): number {
  if (!awareness) return 0
  let before = 0
  for (const [clientId, state] of awareness.getStates()) {
    const isAiJob = typeof state === 'object' && state !== null && 'ai' in state
    if (!isAiJob && clientId < awareness.clientID) before++
  }
  return before
}

/** What the transaction being applied (the one prosemirror-tables appends its repair to) was. */
interface Root {
  fromYjs: boolean
  /** My own undo, arriving through Yjs: I made the table irregular, so I repair it. */
  myUndo: boolean
  before: PmNode
}

const key = new PluginKey<Root>('tableRepair')
const REPAIR = 'tableRepair'

export const TableRepair = Extension.create<TableRepairOptions>({
  name: 'tableRepair',
  // Plugins run in priority order: absurd spans are clamped (tableSpans.ts) before
  // prosemirror-tables' appendTransaction maps the table.
  priority: 1000,

  addOptions() {
    return TABLE_REPAIR_DEFAULTS
  },

  addProseMirrorPlugins() {
    const { awareness, firstTurnMs, turnMs } = this.options
    let schedule: (delayMs: number) => void = () => {}

    return [
      tableSpansPlugin(),
      new Plugin<Root>({
        key,
        state: {
          init: (_, state) => ({ fromYjs: false, myUndo: false, before: state.doc }),
          // ProseMirror marks appended transactions only after filtering them, so the root is noted here.
          apply: (tr, root, oldState) => {
            if (tr.getMeta('appendedTransaction')) return root
            const sync = tr.getMeta(ySyncPluginKey) as SyncMeta | undefined
            const fromYjs = sync?.isChangeOrigin === true
            return { fromYjs, myUndo: fromYjs && sync?.isUndoRedoOperation === true, before: oldState.doc }
          },
        },
        filterTransaction: (tr, state) => {
          if (!tr.getMeta(fixTablesKey) || tr.getMeta(REPAIR)) return true
          const root = key.getState(state)
          if (!root || (!root.fromYjs && !hasIrregularTable(root.before))) return true
          schedule(root.myUndo ? 0 : firstTurnMs + turn(awareness) * turnMs)
          return false
        },
        view: (view) => {
          let timer: ReturnType<typeof setTimeout> | null = null
          let dueAt = Infinity
          const repair = () => {
            timer = null
            dueAt = Infinity
            if (!view.editable) return
            const tr = fixTables(view.state)
            // Outside the Yjs binding's own update, so the repair is written to the document now.
            if (tr) view.dispatch(tr.setMeta(REPAIR, true).setMeta('addToHistory', false))
          }
          schedule = (delayMs) => {
            const at = Date.now() + delayMs
            if (at >= dueAt) return
            if (timer !== null) clearTimeout(timer)
            dueAt = at
            timer = setTimeout(repair, delayMs)
          }
          return {
            destroy: () => {
              if (timer !== null) clearTimeout(timer)
              schedule = () => {}
            },
          }
        },
      }),
    ]
  },
})

/**
 * Cell spans and widths that a peer writing to the Y.Doc directly can make
 * absurd are brought back into range before prosemirror-tables sees them.
 *
 * The editor never writes them (there is no merge command, and imports and
 * pastes lose pixel widths), but the Yjs binding takes any JSON value. One
 * cell with `colspan: 1e9` made prosemirror-tables' TableMap fill a
 * billion-entry array, and its repair add a billion cells: the tab of
 * everyone who had the document open froze. So, on every change, the cells
 * of the tables it touched get a whole-number colspan of at most the table's
 * widest row (in cells), a rowspan of at most its rows, and a colwidth that
 * is an array of positive numbers or nothing. The fix is written to the
 * document like any edit; every editor computes the same values, so their
 * writes agree. This plugin runs before prosemirror-tables' own (see
 * tableRepair.ts), so its repair and the table's rendering only see the result.
 */
import type { Node as PmNode } from '@tiptap/pm/model'
import { Plugin, PluginKey, type Transaction } from '@tiptap/pm/state'
import { forChangedNodes } from '../../../../shared/changedNodes.ts'

/** HTML's own limit for colspan. */
const MAX_COLSPAN = 1000

interface SpanFix {
  pos: number
  attrs: Record<string, unknown>
}

function whole(value: unknown, max: number): number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 ? Math.min(value, max) : 1
}

function width(value: unknown, colspan: number): number[] | null {
  if (!Array.isArray(value) || value.length !== colspan) return null
  return value.every((w) => typeof w === 'number' && Number.isFinite(w) && w > 0) ? (value as number[]) : null
}

/** The cells of `table` (at `tablePos`) whose attributes are out of range, with the values they should have. */
export function spanFixes(table: PmNode, tablePos: number): SpanFix[] {
  let widest = 1
  table.forEach((row) => (widest = Math.max(widest, row.childCount)))
  const maxColspan = Math.min(widest, MAX_COLSPAN)
  const maxRowspan = Math.max(1, table.childCount)
  const fixes: SpanFix[] = []
  table.forEach((row, rowOffset) => {
    row.forEach((cell, cellOffset) => {
      const role = cell.type.spec.tableRole
      if (role !== 'cell' && role !== 'header_cell') return
      const { colspan, rowspan, colwidth } = cell.attrs as { colspan: unknown; rowspan: unknown; colwidth: unknown }
      const fixed = { colspan: whole(colspan, maxColspan), rowspan: whole(rowspan, maxRowspan) }
      const fixedWidth = width(colwidth, fixed.colspan)
      if (fixed.colspan === colspan && fixed.rowspan === rowspan && fixedWidth === colwidth) return
      fixes.push({ pos: tablePos + 1 + rowOffset + 1 + cellOffset, attrs: { ...cell.attrs, ...fixed, colwidth: fixedWidth } })
    })
  })
  return fixes
}

const key = new PluginKey('tableSpans')

/** Registered by TableRepair, whose priority puts it before prosemirror-tables' plugin. */
export function tableSpansPlugin(): Plugin {
  return new Plugin({
    key,
    appendTransaction: (transactions, oldState, state) => {
      if (!transactions.some((tr) => tr.docChanged)) return null
      let tr: Transaction | null = null
      // Into tables too: a cell can hold a table.
      forChangedNodes(oldState.doc, state.doc, (node, pos) => {
        if (node.type.spec.tableRole !== 'table') return true
        for (const fix of spanFixes(node, pos)) {
          tr ??= state.tr
          // Only attributes change: positions stay valid for the fixes after this one.
          tr.setNodeMarkup(fix.pos, undefined, fix.attrs)
        }
        return true
      })
      return tr === null ? null : (tr as Transaction).setMeta('addToHistory', false)
    },
  })
}

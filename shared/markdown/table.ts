/**
 * GFM table token → `table` node.
 *
 * The first row is the header (`tableHeader` cells), the rest body rows
 * (`tableCell`). Each cell holds one paragraph of the cell's inline content,
 * an empty paragraph when the cell is empty (cells need `block+`). marked
 * already pads short rows with empty cells and cuts long ones to the header's
 * width, so every row has as many cells as the header. Column alignment
 * (`:--`, `:-:`, `--:`) goes into each cell's `align`.
 */
import type { Node as PMNode, Schema } from '@tiptap/pm/model'
import type { Tokens } from 'marked'
import { inlineNodes } from './inline.ts'

const ALIGNS = new Set(['left', 'center', 'right'])

function row(cells: readonly Tokens.TableCell[], cellType: string, schema: Schema): PMNode {
  const content = cells.map((cell) => {
    const attrs = cell.align !== null && ALIGNS.has(cell.align) ? { align: cell.align } : null
    return schema.nodes[cellType]!.create(attrs, schema.nodes.paragraph!.create(null, inlineNodes(cell.tokens, schema)))
  })
  return schema.nodes.tableRow!.create(null, content)
}

/** Null when the schema has no tables (the caller degrades the token to text). */
export function tableNode(token: Tokens.Table, schema: Schema): PMNode | null {
  if (schema.nodes.table === undefined || schema.nodes.tableRow === undefined) return null
  // A header row without cells cannot be a valid row in a table people can edit.
  if (token.header.length === 0) return null
  const rows = [row(token.header, 'tableHeader', schema), ...token.rows.map((cells) => row(cells, 'tableCell', schema))]
  return schema.nodes.table.create(null, rows)
}

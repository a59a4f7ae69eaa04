/**
 * A `table` node → a GFM table.
 *
 * GFM has no table without a header line, so the first row always becomes
 * the header, whether its cells are header cells or not: every cell keeps its
 * text, and re-importing only makes that row a header row. (An empty header
 * row would keep the cell types but add a row nobody wrote.) A cell is one
 * line: its paragraphs and hard breaks are joined with `<br>`, which GFM
 * readers (and ours) turn back into line breaks, and every `|` is escaped,
 * also in code, where GFM unescapes `\|` before reading the cell (so a `\|`
 * typed in the text arrives as `\\\|` and comes back as typed; in code it
 * cannot, as marked reads the cell). Merged cells (colspan, rowspan) cannot
 * be expressed; short rows are padded so the table stays rectangular.
 */
import type { PMNode } from './types.ts'

type InlineWriter = (content: PMNode[]) => string

const DELIMITERS: Readonly<Record<string, string>> = { left: ':--', center: ':-:', right: '--:' }

function cellText(cell: PMNode, inline: InlineWriter): string {
  const lines: string[] = []
  const visit = (n: PMNode): void => {
    if (n.type === 'paragraph' || n.type === 'heading' || n.type === 'codeBlock') lines.push(inline(n.content ?? []))
    else for (const child of n.content ?? []) visit(child)
  }
  for (const child of cell.content ?? []) visit(child)
  return lines
    .join('<br>')
    .replace(/ {2}\n/g, '<br>')
    .replace(/\n/g, '<br>')
    .replace(/\|/g, '\\|')
    .trim()
}

export function markdownTable(table: PMNode, indent: string, inline: InlineWriter): string {
  const rows = (table.content ?? []).map((row) => row.content ?? [])
  const width = Math.max(1, ...rows.map((cells) => cells.length))
  const line = (cells: string[]): string => `${indent}| ${cells.join(' | ')} |`
  const texts = rows.map((cells) => Array.from({ length: width }, (_, i) => (cells[i] === undefined ? '' : cellText(cells[i] as PMNode, inline))))
  const first = rows[0] ?? []
  const delimiter = Array.from({ length: width }, (_, i) => DELIMITERS[String(first[i]?.attrs?.align)] ?? '---')
  return [line(texts[0] ?? Array<string>(width).fill('')), line(delimiter), ...texts.slice(1).map(line)].join('\n') + '\n'
}

/**
 * "Continue writing" from a table cell: rows the model adds become rows of
 * that table.
 *
 * Asked to continue at the end of a table's last cell, a model writes more
 * rows, `| pear | 4 |`, without a header or delimiter row (the table already
 * has them). Read alone, those lines are a paragraph of pipes, and it would
 * go inline into the cell. So when the anchor is in a table cell and the
 * answer starts with a `|` line that is not followed by a delimiter row, the
 * writer reads the answer behind a header and delimiter row of its own, as
 * wide as the table, and writes the body rows of the resulting table into
 * the person's table after the anchor's row (marked pads or cuts each row to
 * that width). Anything after the rows (a blank line, then prose) goes after
 * the table as usual. An answer that starts with a header and delimiter row
 * is a table of its own and goes after the table; one that starts with words
 * continues the cell's text.
 *
 * The choice waits, like the preview, until the second line shows whether
 * the first is a header; it is made once, and the text read never changes
 * before the part already read.
 */
import * as Y from 'yjs'

const CELLS = new Set(['tableCell', 'tableHeader'])
/** A whole delimiter row: `|---|:-:|`, `--- | ---`. */
const DELIMITER = /^[ \t]*\|?[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*$/
/** What a delimiter row may start with. */
const MAYBE_DELIMITER = /^[ \t|:-]*$/

export interface TableAround {
  readonly table: Y.XmlElement
  /** The anchor's row: new rows go after it. */
  readonly row: Y.XmlElement
  readonly columns: number
}

/** The table whose cell holds `textblock`, if it does. */
export function tableAround(textblock: Y.XmlElement): TableAround | null {
  const cell = textblock.parent
  const row = cell instanceof Y.XmlElement && CELLS.has(cell.nodeName) ? cell.parent : null
  const table = row instanceof Y.XmlElement && row.nodeName === 'tableRow' ? row.parent : null
  if (!(table instanceof Y.XmlElement) || table.nodeName !== 'table' || !(row instanceof Y.XmlElement)) return null
  let columns = 0
  for (const c of row.toArray()) columns += c instanceof Y.XmlElement ? Math.max(1, Number(c.getAttribute('colspan') ?? 1) || 1) : 0
  return columns > 0 ? { table, row, columns } : null
}

/**
 * How to read the answer: `rows` (behind a header of our own), `text` (as
 * it is), or null while the first lines do not tell yet.
 */
export function readingOf(text: string, final: boolean): 'rows' | 'text' | null {
  const body = text.replace(/^\s+/, '')
  if (body === '') return final ? 'text' : null
  if (!body.startsWith('|')) return 'text'
  const firstEnd = body.indexOf('\n')
  if (firstEnd < 0) return final ? 'rows' : null
  const rest = body.slice(firstEnd + 1)
  const secondEnd = rest.indexOf('\n')
  const second = secondEnd < 0 ? rest : rest.slice(0, secondEnd)
  const complete = secondEnd >= 0 || final
  if (DELIMITER.test(second) && complete) return 'text'
  if (MAYBE_DELIMITER.test(second) && second.trim() !== '' && !complete) return null
  if (second === '' && !complete) return null
  return 'rows'
}

/** The answer as read for `rows`: a header and delimiter row as wide as the table, then the model's rows. */
export function rowsSource(text: string, columns: number): string {
  return `|${' |'.repeat(columns)}\n|${'---|'.repeat(columns)}\n${text.replace(/^\s+/, '')}`
}

/**
 * A cell's spans and widths as a hostile peer may store them are brought
 * into range before prosemirror-tables maps the table (tableSpans.ts);
 * spans a real table has (a header over its three columns) are kept.
 */
import { describe, expect, test } from 'vitest'
import { documentSchema } from '../../shared/editorSchema.ts'
import { spanFixes } from '../../client/src/editor/tables/tableSpans.ts'

const schema = documentSchema()

function table(rows: Array<Array<Record<string, unknown>>>) {
  return schema.nodeFromJSON({
    type: 'table',
    content: rows.map((cells) => ({ type: 'tableRow', content: cells.map((attrs) => ({ type: 'tableCell', attrs, content: [{ type: 'paragraph' }] })) })),
  })
}

const three = [{}, {}, {}]

describe('spanFixes', () => {
  test('a header over three columns, and widths of the right length, stay', () => {
    expect(spanFixes(table([[{ colspan: 3, colwidth: [10, 20, 30] }], three, [{ rowspan: 2 }, {}, {}], [{}, {}]]), 0)).toEqual([])
  })

  test('a billion columns, negative, fractional or text spans, and widths that are not numbers are brought into range', () => {
    const fixes = spanFixes(table([[{ colspan: 1e9 }, { rowspan: -1 }, { colspan: 1.5, colwidth: ['x'] }], [{ rowspan: 99 }, { colspan: '2' }]]), 0)
    expect(fixes.map((fix) => [fix.pos, fix.attrs.colspan, fix.attrs.rowspan, fix.attrs.colwidth])).toEqual([
      [2, 3, 1, null],
      [6, 1, 1, null],
      [10, 1, 1, null],
      [16, 1, 2, null],
      [20, 1, 1, null],
    ])
  })
})

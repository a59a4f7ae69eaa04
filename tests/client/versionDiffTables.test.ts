/**
 * The History comparison of tables (client/src/history/versionDiff.ts): a
 * header row turned on or off, or a cell's text replaced, is each cell
 * changed in place, so the inline view keeps one cell per column instead of
 * the old cells followed by the new ones (a row longer than the others).
 */
import { describe, expect, test } from 'vitest'
import { diffDocs, type BlockDiff, type DocJson } from '../../client/src/history/versionDiff.ts'

const cell = (text: string, header: boolean): DocJson => ({
  type: header ? 'tableHeader' : 'tableCell',
  attrs: { colspan: 1, rowspan: 1, colwidth: null, align: null },
  content: [{ type: 'paragraph', content: [{ type: 'text', text }] }],
})
const table = (rows: string[][], header: boolean): DocJson => ({
  type: 'table',
  content: rows.map((row, r) => ({ type: 'tableRow', content: row.map((text) => cell(text, header && r === 0)) })),
})
const GRID = [
  ['Name', 'Role'],
  ['Ada', 'Lead'],
]

function firstRow(blocks: BlockDiff[]): BlockDiff[] {
  const tableDiff = blocks[0]!
  expect(tableDiff.change).toBe('changed')
  return tableDiff.children![0]!.children!
}

describe('a header row turned on or off', () => {
  test.each([
    ['off', true],
    ['on', false],
  ] as const)('turned %s: each cell of the row is changed in place, one per column', (_label, before) => {
    const diff = diffDocs({ type: 'doc', content: [table(GRID, before)] }, { type: 'doc', content: [table(GRID, !before)] })
    const cells = firstRow(diff.blocks)
    expect(cells.map((c) => [c.change, c.old?.type, c.node.type])).toEqual([
      ['changed', before ? 'tableHeader' : 'tableCell', before ? 'tableCell' : 'tableHeader'],
      ['changed', before ? 'tableHeader' : 'tableCell', before ? 'tableCell' : 'tableHeader'],
    ])
    expect(diff.stats).toEqual({ added: 0, removed: 0, changed: 2 })
  })

  test('a header cell whose text was replaced too is one cell changed, holding the old text and the new', () => {
    const diff = diffDocs({ type: 'doc', content: [table(GRID, true)] }, { type: 'doc', content: [table([['Name', 'Job'], GRID[1]!], false)] })
    const cells = firstRow(diff.blocks)
    expect(cells.map((c) => c.change)).toEqual(['changed', 'changed'])
    expect(cells[1]!.children!.map((block) => [block.change, block.node.content?.[0]?.text])).toEqual([
      ['removed', 'Role'],
      ['added', 'Job'],
    ])
  })
})

describe('a cell whose text was replaced', () => {
  test('is that cell changed, not a cell removed and one added', () => {
    const diff = diffDocs({ type: 'doc', content: [table(GRID, true)] }, { type: 'doc', content: [table([GRID[0]!, ['Ada', 'Manager']], true)] })
    const row = diff.blocks[0]!.children![1]!.children!
    expect(row.map((c) => c.change)).toEqual(['same', 'changed'])
    expect(row[1]!.children!.map((block) => [block.change, block.node.content?.[0]?.text])).toEqual([
      ['removed', 'Lead'],
      ['added', 'Manager'],
    ])
  })

  test('a column removed is its cells removed, the others kept in place', () => {
    const diff = diffDocs({ type: 'doc', content: [table([['A', 'B', 'C'], ['1', '2', '3']], true)] }, { type: 'doc', content: [table([['A', 'C'], ['1', '3']], true)] })
    expect(diff.blocks[0]!.children!.map((row) => row.children!.map((c) => c.change))).toEqual([
      ['same', 'removed', 'same'],
      ['same', 'removed', 'same'],
    ])
  })
})

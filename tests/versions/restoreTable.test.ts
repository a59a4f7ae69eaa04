/**
 * Restoring a version with a table while someone types in that table: the
 * words they type concurrently, into cells the version has too, survive in
 * their cell; the table is rectangular on every peer; every peer converges.
 */
import { describe, expect, it } from 'vitest'
import type { JSONContent } from '@tiptap/core'
import { updateYFragment } from '@tiptap/y-tiptap'
import * as Y from 'yjs'
import { captureContent } from '../../server/versions/capture.ts'
import { restoreContent } from '../../server/versions/restore.ts'
import { Network, checkSchema, contentOf, docWith, fragmentOf, para, schema, seeded } from '../ai-writer/helpers.ts'

const RESTORE = { kind: 'restore' }

function cell(text: string, header = false): JSONContent {
  return { type: header ? 'tableHeader' : 'tableCell', attrs: { colspan: 1, rowspan: 1 }, content: [para(text)] }
}

function table(rows: string[][], header = true): JSONContent {
  return { type: 'table', content: rows.map((row, r) => ({ type: 'tableRow', content: row.map((text) => cell(text, header && r === 0)) })) }
}

const GRID = [
  ['Name', 'Role', 'Team'],
  ['Ada', 'Lead', 'Core'],
  ['Bob', 'Dev', 'Web'],
]

/** The table's cells' text, row by row, from the peer's document. */
function grid(doc: Y.Doc): string[][] {
  const t = contentOf(doc).find((block) => block.type === 'table')
  const text = (node: JSONContent): string => node.text ?? (node.content ?? []).map(text).join('')
  return (t?.content ?? []).map((row) => (row.content ?? []).map(text))
}

/** Changes the server's document as the editor would: to `content`, by y-prosemirror's own diff. */
function editTo(doc: Y.Doc, content: JSONContent[]): void {
  updateYFragment(doc, fragmentOf(doc), schema.nodeFromJSON({ type: 'doc', content }), { mapping: new Map(), isOMark: new Map() })
}

/** Types `word` at the end of cell [row][col]'s paragraph in the peer's own copy. */
function typeInCell(doc: Y.Doc, row: number, col: number, word: string): void {
  const tableEl = fragmentOf(doc).toArray().find((el): el is Y.XmlElement => el instanceof Y.XmlElement && el.nodeName === 'table')!
  const rowEl = tableEl.get(row) as Y.XmlElement
  const cellEl = rowEl.get(col) as Y.XmlElement
  const p = cellEl.get(0) as Y.XmlElement
  let text = p.get(0)
  if (!(text instanceof Y.XmlText)) {
    text = new Y.XmlText()
    p.insert(0, [text])
  }
  ;(text as Y.XmlText).insert((text as Y.XmlText).length, word)
}

function scenario(since: JSONContent[], typing: Array<[number, number, string]>) {
  const server = docWith(1, [para('Intro.'), table(GRID), para('End.')])
  const version = captureContent(fragmentOf(server))
  editTo(server, since)
  const bob = new Y.Doc()
  bob.clientID = 2
  Y.applyUpdate(bob, Y.encodeStateAsUpdate(server))
  const net = new Network([server, bob])
  // Bob types while the restore happens: neither has the other's change yet.
  for (const [r, c, word] of typing) typeInCell(bob, r, c, word)
  restoreContent(server, fragmentOf(server), schema, version, RESTORE)
  net.deliverAll(seeded(1))
  expect(contentOf(bob)).toEqual(contentOf(server))
  checkSchema(server)
  return grid(server)
}

describe('restore of a table someone is typing in', () => {
  it('a column and a row added since go; words typed in the kept cells stay in them', () => {
    const since = [para('Intro.'), table([...GRID.map((row) => [...row, 'Extra']), ['Cy', 'Ops', 'Infra', 'X']]), para('End.')]
    const result = scenario(since, [
      [1, 0, ' Lovelace'],
      [2, 1, ' ops'],
    ])
    expect(result).toEqual([
      ['Name', 'Role', 'Team'],
      ['Ada Lovelace', 'Lead', 'Core'],
      ['Bob', 'Dev ops', 'Web'],
    ])
  })

  it('a column removed since comes back; words typed in the remaining cells stay in them', () => {
    const since = [para('Intro.'), table(GRID.map((row) => [row[0]!, row[2]!])), para('End.')]
    const result = scenario(since, [[1, 1, ' team']])
    expect(result).toEqual([
      ['Name', 'Role', 'Team'],
      ['Ada', 'Lead', 'Core team'],
      ['Bob', 'Dev', 'Web'],
    ])
  })

  it('a cell edited since is restored; words typed in another cell of its row stay', () => {
    const since = [para('Intro.'), table([GRID[0]!, ['Ada', 'Boss', 'Core'], GRID[2]!]), para('End.')]
    const result = scenario(since, [[1, 0, ' L.']])
    expect(result).toEqual([
      ['Name', 'Role', 'Team'],
      ['Ada L.', 'Lead', 'Core'],
      ['Bob', 'Dev', 'Web'],
    ])
  })

  it('a header row turned off since comes back; a word typed in the body stays', () => {
    const since = [para('Intro.'), table(GRID, false), para('End.')]
    const result = scenario(since, [[2, 2, ' site']])
    expect(result).toEqual([
      ['Name', 'Role', 'Team'],
      ['Ada', 'Lead', 'Core'],
      ['Bob', 'Dev', 'Web site'],
    ])
  })
})

/**
 * Undo of a table change that re-creates cells (the header row turned on or
 * off: y-prosemirror cannot rename an element, so every cell of the row is
 * deleted and made again) while someone types in those cells: their words
 * stay, in their cell, and the table stays rectangular on both peers.
 */
import { describe, expect, test } from 'vitest'
import type { JSONContent } from '@tiptap/core'
import { updateYFragment } from '@tiptap/y-tiptap'
import * as Y from 'yjs'
import { OccupiedUndoManager } from '../../shared/undoRule.ts'
import { checkSchema, contentOf, docWith, fragmentOf, keepInStep, para, schema } from '../ai-writer/helpers.ts'

const ALICE = { kind: 'alice' }

function table(rows: string[][], header: boolean): JSONContent {
  return {
    type: 'table',
    content: rows.map((row, r) => ({
      type: 'tableRow',
      content: row.map((text) => ({ type: header && r === 0 ? 'tableHeader' : 'tableCell', attrs: { colspan: 1, rowspan: 1 }, content: [para(text)] })),
    })),
  }
}

const GRID = [
  ['Name', 'Role', 'Team'],
  ['Ada', 'Lead', 'Core'],
]

function twoPeople(header: boolean) {
  const alice = docWith(1, [para('Staff'), table(GRID, header)])
  const bob = docWith(2, [para('Staff'), table(GRID, header)])
  keepInStep(alice, bob)
  const undo = new OccupiedUndoManager(fragmentOf(alice), { trackedOrigins: new Set([ALICE]) })
  return { alice, bob, undo }
}

/** Alice's editor writing its new state, as y-prosemirror does for a local change. */
function aliceEdits(doc: Y.Doc, content: JSONContent[]): void {
  doc.transact(() => updateYFragment(doc, fragmentOf(doc), schema.nodeFromJSON({ type: 'doc', content }), { mapping: new Map(), isOMark: new Map() }), ALICE)
}

function typeInCell(doc: Y.Doc, row: number, col: number, word: string): void {
  const t = fragmentOf(doc).get(1) as Y.XmlElement
  const p = ((t.get(row) as Y.XmlElement).get(col) as Y.XmlElement).get(0) as Y.XmlElement
  const text = p.get(0) as Y.XmlText
  text.insert(text.length, word)
}

function grid(doc: Y.Doc): { types: string[][]; text: string[][] } {
  const t = contentOf(doc)[1]!
  const text = (node: JSONContent): string => node.text ?? (node.content ?? []).map(text).join('')
  return { types: (t.content ?? []).map((r) => (r.content ?? []).map((c) => c.type ?? '')), text: (t.content ?? []).map((r) => (r.content ?? []).map(text)) }
}

describe('undo of a header row toggle while someone types in that row', () => {
  test.each([
    ['off', true],
    ['on', false],
  ] as const)('Alice turns the header row %s, Bob types in it, Alice undoes: his word stays in its cell, three cells a row', (_label, headerBefore) => {
    const { alice, bob, undo } = twoPeople(headerBefore)
    aliceEdits(alice, [para('Staff'), table(GRID, !headerBefore)])
    typeInCell(bob, 0, 1, ' (job)')
    undo.undo()
    expect(contentOf(bob)).toEqual(contentOf(alice))
    checkSchema(alice)
    const { types, text } = grid(alice)
    expect(types.map((r) => r.length)).toEqual([3, 3])
    expect(text).toEqual([
      ['Name', 'Role (job)', 'Team'],
      ['Ada', 'Lead', 'Core'],
    ])
    expect(types[0]).toEqual(Array(3).fill(headerBefore ? 'tableHeader' : 'tableCell'))

    // Redo turns it back again, his word still in its cell.
    undo.redo()
    expect(contentOf(bob)).toEqual(contentOf(alice))
    checkSchema(alice)
    expect(grid(alice).types.map((r) => r.length)).toEqual([3, 3])
    expect(grid(alice).types[0]).toEqual(Array(3).fill(headerBefore ? 'tableCell' : 'tableHeader'))
    expect(grid(alice).text[0]).toEqual(['Name', 'Role (job)', 'Team'])
  })
})

/**
 * Undo of a table change while someone else's words are in it
 * (shared/undoRule.ts): their words stay where they were typed, and the
 * table stays rectangular, so no editor has a short row to repair.
 */
import { describe, expect, test } from 'vitest'
import * as Y from 'yjs'
import { OccupiedUndoManager } from '../../shared/undoRule.ts'
import { checkSchema, contentOf, docWith, fragmentOf, keepInStep, para } from '../ai-writer/helpers.ts'

const ALICE = { kind: 'alice' }

function cell(text = ''): Y.XmlElement {
  const paragraph = new Y.XmlElement('paragraph')
  paragraph.insert(0, [new Y.XmlText(text)])
  const element = new Y.XmlElement('tableCell')
  element.insert(0, [paragraph])
  return element
}

function row(texts: string[]): Y.XmlElement {
  const element = new Y.XmlElement('tableRow')
  element.insert(
    0,
    texts.map((text) => cell(text)),
  )
  return element
}

const TABLE = {
  type: 'table',
  content: [['a1', 'a2', 'a3'], ['b1', 'b2', 'b3']].map((texts) => ({
    type: 'tableRow',
    content: texts.map((text) => ({ type: 'tableCell', content: [para(text)] })),
  })),
}

/** Alice (with her undo manager) and Bob on one document holding a 2×3 table, kept in step. */
function twoPeople() {
  const alice = docWith(1, [para('Costs'), TABLE])
  const bob = docWith(2, [para('Costs'), TABLE])
  keepInStep(alice, bob)
  const undo = new OccupiedUndoManager(fragmentOf(alice), { trackedOrigins: new Set([ALICE]) })
  const table = (doc: Y.Doc) => fragmentOf(doc).get(1) as Y.XmlElement
  const cellText = (doc: Y.Doc, r: number, c: number) => (((table(doc).get(r) as Y.XmlElement).get(c) as Y.XmlElement).get(0) as Y.XmlElement).get(0) as Y.XmlText
  return { alice, bob, undo, table, cellText }
}

/** The table's cells' text, row by row, as the editor would read it. */
function grid(doc: Y.Doc): string[][] {
  const table = contentOf(doc)[1]
  return (table?.content ?? []).map((r) => (r.content ?? []).map((c) => (c.content ?? []).map((p) => (p.content ?? []).map((t) => t.text ?? '').join('')).join('\n')))
}

describe('undo of a table change with a collaborator\'s words in it', () => {
  test('an added row Bob typed into stays whole, his words in their column', () => {
    const { alice, bob, undo, table, cellText } = twoPeople()
    alice.transact(() => table(alice).insert(1, [row(['', '', ''])]), ALICE)
    cellText(bob, 1, 1).insert(0, 'Bob')
    undo.undo()
    for (const doc of [alice, bob]) {
      expect(grid(doc)).toEqual([
        ['a1', 'a2', 'a3'],
        ['', 'Bob', ''],
        ['b1', 'b2', 'b3'],
      ])
      checkSchema(doc)
    }
  })

  test('an added column Bob typed into stays whole; one nobody typed into goes', () => {
    const { alice, bob, undo, table, cellText } = twoPeople()
    const addColumn = () =>
      alice.transact(() => {
        for (const r of table(alice).toArray()) (r as Y.XmlElement).insert(1, [cell()])
      }, ALICE)
    addColumn()
    cellText(bob, 1, 1).insert(0, 'Bob')
    undo.undo()
    expect(grid(bob)).toEqual([
      ['a1', '', 'a2', 'a3'],
      ['b1', 'Bob', 'b2', 'b3'],
    ])
    expect(contentOf(alice)).toEqual(contentOf(bob))

    undo.stopCapturing()
    addColumn()
    undo.undo()
    expect(grid(bob)[0]).toEqual(['a1', '', 'a2', 'a3'])
    expect(grid(bob).every((r) => r.length === 4)).toBe(true)
  })

  test('a table Alice inserted and filled keeps only the rows Bob typed in, whole, without her words', () => {
    const { alice, bob, undo, cellText } = twoPeople()
    alice.transact(() => {
      const table = new Y.XmlElement('table')
      table.insert(0, [row(['x1', 'x2']), row(['y1', 'y2']), row(['z1', 'z2'])])
      fragmentOf(alice).insert(2, [table])
    }, ALICE)
    const inserted = (doc: Y.Doc) => (((fragmentOf(doc).get(2) as Y.XmlElement).get(1) as Y.XmlElement).get(1) as Y.XmlElement).get(0) as Y.XmlElement
    ;(inserted(bob).get(0) as Y.XmlText).insert(0, 'Bob ')
    undo.undo()
    for (const doc of [alice, bob]) {
      const second = contentOf(doc)[2]
      expect(second?.type).toBe('table')
      expect((second?.content ?? []).map((r) => (r.content ?? []).map((c) => c.content?.[0]?.content?.[0]?.text ?? ''))).toEqual([['', 'Bob ']])
      checkSchema(doc)
    }
    expect(cellText(alice, 0, 0).toString()).toBe('a1')
  })
})

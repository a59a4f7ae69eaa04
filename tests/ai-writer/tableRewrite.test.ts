/**
 * Rewrites (`replace`) that touch a table.
 *
 * - A selection over the whole table deletes it and the model's table takes
 *   its place: selected around the table, or cell by cell from the start of
 *   its first cell to the end of its last (what a person's drag across the
 *   table gives). A selection across some cells empties them but keeps every
 *   cell, so the table stays rectangular.
 * - A selection inside one cell: the cell's paragraph is an inline host like
 *   any paragraph, so an answer's first paragraph goes into the cell, in place
 *   of the selected words. Blocks cannot go inside a cell (a table in a cell is
 *   not what anyone asked for), so any further blocks, and an answer that
 *   starts with a table or list, go after the top-level table, as they go
 *   after a paragraph anywhere else. The selected words still go: the answer
 *   is their replacement, only placed after the table.
 */
import type { JSONContent } from '@tiptap/core'
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { markdownToBlocks } from '../../shared/markdown/index.ts'
import { jobUndoManager } from '../../server/ai/jobUndo.ts'
import { AI_CLIENT, canonical, checkSchema, contentOf, docWith, fragmentOf, para, schema, textPosition, writerFor } from './helpers.ts'

const TABLE = markdownToBlocks('| Name | Qty |\n|---|---|\n| apple | 3 |', schema)[0] as JSONContent
const BEFORE: JSONContent[] = [para('Before.'), TABLE, para('After.')]
const ANSWER_TABLE = '| Fruit | Count |\n|---|---|\n| pear | 4 |\n| plum | 5 |'

function write(doc: Y.Doc, from: Y.RelativePosition, to: Y.RelativePosition, md: string, origin: object = { kind: 'ai' }): void {
  const writer = writerFor(doc, { kind: 'replace', from, to }, origin)
  for (const chunk of md.match(/[\s\S]{1,3}/g) ?? []) {
    writer.push(chunk)
    writer.flush()
    checkSchema(doc)
  }
  writer.finish()
  checkSchema(doc)
}

/** Position in the text of the cell at (row, col) of top-level block `block`. */
function cellPosition(doc: Y.Doc, block: number, row: number, col: number, offset: number): Y.RelativePosition {
  const table = fragmentOf(doc).get(block) as Y.XmlElement
  const cell = (table.get(row) as Y.XmlElement).get(col) as Y.XmlElement
  const text = (cell.get(0) as Y.XmlElement).get(0) as Y.XmlText
  return Y.createRelativePositionFromTypeIndex(text, offset)
}

describe('rewriting tables', () => {
  it('a selection over the whole table (between the blocks around it) is replaced by the model\'s table', () => {
    const doc = docWith(AI_CLIENT, BEFORE)
    write(doc, Y.createRelativePositionFromTypeIndex(fragmentOf(doc), 1), Y.createRelativePositionFromTypeIndex(fragmentOf(doc), 2), ANSWER_TABLE)
    expect(contentOf(doc)).toEqual(canonical([para('Before.'), ...markdownToBlocks(ANSWER_TABLE, schema), para('After.')]))
  })

  it('a selection from the end of the block before to the start of the block after: the same', () => {
    const doc = docWith(AI_CLIENT, BEFORE)
    write(doc, textPosition(doc, 0, 7), textPosition(doc, 2, 0), ANSWER_TABLE)
    expect(contentOf(doc)).toEqual(canonical([para('Before.'), ...markdownToBlocks(ANSWER_TABLE, schema), para('After.')]))
  })

  it('a selection inside one cell takes an inline answer in the cell', () => {
    const doc = docWith(AI_CLIENT, BEFORE)
    write(doc, cellPosition(doc, 1, 1, 0, 0), cellPosition(doc, 1, 1, 0, 5), 'ripe **pear**')
    const cell = contentOf(doc)[1]?.content?.[1]?.content?.[0]
    expect(cell?.content?.[0]).toEqual({ type: 'paragraph', content: [{ type: 'text', text: 'ripe ' }, { type: 'text', text: 'pear', marks: [{ type: 'bold' }] }] })
    expect(contentOf(doc)).toHaveLength(3)
  })

  it('a selection inside one cell puts a table answer after the table, and the selected words go', () => {
    const doc = docWith(AI_CLIENT, BEFORE)
    write(doc, cellPosition(doc, 1, 1, 0, 0), cellPosition(doc, 1, 1, 0, 5), ANSWER_TABLE)
    const emptied = JSON.parse(JSON.stringify(TABLE).replace('"text":"apple"', '"text":""').replace(/\{"type":"text","text":""\}/, '')) as JSONContent
    expect(contentOf(doc)).toEqual(canonical([para('Before.'), emptied, ...markdownToBlocks(ANSWER_TABLE, schema), para('After.')]))
  })

  it('a paragraph and more blocks into a cell: the paragraph in the cell, the rest after the table', () => {
    const doc = docWith(AI_CLIENT, BEFORE)
    write(doc, cellPosition(doc, 1, 1, 1, 0), cellPosition(doc, 1, 1, 1, 1), 'three\n\n- [ ] recount')
    const blocks = contentOf(doc)
    expect(JSON.stringify(blocks[1])).toContain('"text":"three"')
    expect(blocks[2]?.type).toBe('taskList')
    expect(blocks[3]).toEqual(para('After.'))
  })

  it('a selection from inside a cell to after the table stays schema-valid', () => {
    const doc = docWith(AI_CLIENT, BEFORE)
    write(doc, cellPosition(doc, 1, 0, 1, 1), textPosition(doc, 2, 3), 'Shorter.')
    expect(contentOf(doc).at(-1)).toEqual(para('er.'))
  })

  it('a selection from the start of the first cell to the end of the last (a person\'s cell selection of the whole table) is replaced by the model\'s table', () => {
    const doc = docWith(AI_CLIENT, BEFORE)
    const origin = { kind: 'ai' }
    const undo = jobUndoManager(fragmentOf(doc), origin)
    write(doc, cellPosition(doc, 1, 0, 0, 0), cellPosition(doc, 1, 1, 1, 1), ANSWER_TABLE, origin)
    expect(contentOf(doc)).toEqual(canonical([para('Before.'), ...markdownToBlocks(ANSWER_TABLE, schema), para('After.')]))
    // Discard brings the person's table back.
    undo.undo()
    expect(contentOf(doc)).toEqual(canonical(BEFORE))
  })

  it('a selection across some cells empties their text but keeps every cell: the table stays rectangular', () => {
    const doc = docWith(AI_CLIENT, BEFORE)
    write(doc, cellPosition(doc, 1, 0, 1, 1), cellPosition(doc, 1, 1, 0, 3), 'Better words.')
    const table = contentOf(doc)[1] as JSONContent
    expect(table.content?.map((row) => row.content?.length)).toEqual([2, 2])
    // The answer goes in at the start of the selection; the cells after it keep what was not selected.
    expect(JSON.stringify(table)).toContain('"text":"QBetter words."')
    expect(JSON.stringify(table)).toContain('"text":"le"')
  })
})

/**
 * Undo everything in a new document, then redo it: the title comes back as
 * the first line. ProseMirror cannot show an empty document, so when an undo
 * emptied the Yjs fragment the editor wrote a fresh empty paragraph of its
 * own, and the redone blocks came back after it: an empty first line with
 * the title pushed to the second (the document listed as untitled). The rule
 * keeps the document's last paragraph instead, emptied, as the editor would
 * show it, so there is nothing to fill and redo puts the words back in it.
 */
import { describe, expect, test } from 'vitest'
import * as Y from 'yjs'
import { OccupiedUndoManager } from '../../shared/undoRule.ts'
import { contentOf, fragmentOf, para } from '../ai-writer/helpers.ts'

const ALICE = { kind: 'alice' }
const EDITOR_FILL = { kind: 'fill' }

function paragraph(text: string): Y.XmlElement {
  const el = new Y.XmlElement('paragraph')
  el.insert(0, [new Y.XmlText(text)])
  return el
}

/** What y-prosemirror does when the fragment is empty: the editor's empty paragraph, written back. */
function fillLikeTheEditor(doc: Y.Doc): void {
  const fragment = fragmentOf(doc)
  if (fragment.length === 0) doc.transact(() => fragment.insert(0, [new Y.XmlElement('paragraph')]), EDITOR_FILL)
}

describe('undo everything, then redo', () => {
  test('the title is the first line again, with no empty line before it', () => {
    const doc = new Y.Doc()
    doc.clientID = 7
    const fragment = fragmentOf(doc)
    const undo = new OccupiedUndoManager(fragment, { trackedOrigins: new Set([ALICE]), captureTimeout: 0 })
    doc.transact(() => fragment.insert(0, [paragraph('Title')]), ALICE)
    doc.transact(() => fragment.insert(1, [paragraph('body')]), ALICE)

    while (undo.canUndo()) {
      undo.undo()
      fillLikeTheEditor(doc)
    }
    expect(contentOf(doc)).toEqual([{ type: 'paragraph' }])
    while (undo.canRedo()) undo.redo()
    expect(contentOf(doc)).toEqual([para('Title'), para('body')])
  })
})

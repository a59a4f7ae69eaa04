import { ySyncPluginKey } from '@tiptap/y-tiptap'
import * as Y from 'yjs'
import { DOC_FIELD } from '../../../shared/editorSchema.ts'
import { OccupiedUndoManager } from '../../../shared/undoRule.ts'

/**
 * y-prosemirror's undo manager, with the delete rule the server's Discard
 * uses (shared/undoRule.ts): undo never deletes a block, or a block's
 * attributes, while it holds someone else's words. (y-prosemirror's own
 * filter protects only paragraphs, and not their attributes.)
 */
export function editorUndoManager(doc: Y.Doc): Y.UndoManager {
  return new OccupiedUndoManager(doc.getXmlFragment(DOC_FIELD), {
    trackedOrigins: new Set([ySyncPluginKey]),
    captureTransaction: (tr) => tr.meta.get('addToHistory') !== false,
  })
}

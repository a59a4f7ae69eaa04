/**
 * The Y.UndoManager behind an AI job's Discard (and the record behind Undo
 * after Accept): it tracks only the job's origin, in one capture for the
 * whole job, so taking it back touches exactly the job's own changes.
 *
 * Its delete filter keeps any block or text node that someone typed into
 * (shared/undoRule.ts): a collaborator's sentence inside a paragraph the AI
 * created survives the discard, in that paragraph, with the AI's words gone.
 */
import type * as Y from 'yjs'
import { OccupiedUndoManager } from '../../shared/undoRule.ts'

export function jobUndoManager(fragment: Y.XmlFragment, origin: object): Y.UndoManager {
  return new OccupiedUndoManager(fragment, {
    trackedOrigins: new Set([origin]),
    captureTimeout: Number.POSITIVE_INFINITY,
  })
}

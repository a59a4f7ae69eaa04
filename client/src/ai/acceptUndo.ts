/**
 * Undo after Accept: the requester's Ctrl+Z right after accepting an AI job
 * takes the whole job back as one step, and Ctrl+Shift+Z brings it back, as
 * in Google Docs and Notion. Earlier own edits keep their place below it in
 * the undo history; collaborators' undo stacks never hold it.
 *
 * The AI's changes reach this editor as remote updates, which the editor's
 * Y.UndoManager (y-prosemirror's) does not track. On Accept the server
 * returns what the job inserted and deleted (shared/itemRanges.ts), and this
 * puts exactly that on the local undo stack, so undo and redo are the
 * UndoManager's own, with its delete rule (shared/undoRule.ts): words anyone
 * typed inside the AI's blocks stay.
 *
 * Restoring what a rewrite deleted needs the deleted items' content, and a
 * Y.Doc with `gc` on throws that away as soon as a deletion arrives. So while
 * one of our jobs runs, garbage collection is paused (`hold`); what was
 * deleted meanwhile stays in memory for this session. A job followed after a
 * reload was not held, so it does not get the undo step (Discard still
 * works until Accept).
 */
import * as Y from 'yjs'
import { deleteSetFromRanges, rangeEnds, type AiAcceptResult } from '../../../shared/index.ts'

type History = NonNullable<AiAcceptResult['history']>

/** How long to wait for the job's last update to arrive over the WebSocket. */
const ARRIVAL_TIMEOUT_MS = 5000

export class AcceptUndo {
  private holds = 0

  constructor(
    private readonly doc: Y.Doc,
    private readonly undoManager: () => Y.UndoManager | null,
  ) {}

  /** Before starting a job: keep deleted content restorable until `release`. */
  hold(): void {
    this.holds++
    this.doc.gc = false
  }

  release(): void {
    if (this.holds === 0) return
    this.holds--
    if (this.holds === 0) this.doc.gc = true
  }

  /** Put the accepted job on the undo stack as one step. Resolves false if it could not. */
  async push(history: History): Promise<boolean> {
    // `done` comes after the server sent the job's last update, but over
    // another connection: wait until this document holds every item.
    if (!(await this.arrived(history))) return false
    const um = this.undoManager()
    if (um === null) return false
    // StackItem is not exported; popStackItem reads only these three fields.
    const item = { insertions: deleteSetFromRanges(history.insertions), deletions: deleteSetFromRanges(history.deletions), meta: new Map() }
    um.stopCapturing()
    um.clear(false, true)
    um.undoStack.push(item as (typeof um.undoStack)[number])
    // The next own edit starts a new step instead of joining the AI's.
    um.stopCapturing()
    return true
  }

  private has(history: History): boolean {
    for (const [client, end] of rangeEnds(history.insertions)) {
      if (Y.getState(this.doc.store, client) < end) return false
    }
    return true
  }

  private arrived(history: History): Promise<boolean> {
    if (this.has(history)) return Promise.resolve(true)
    return new Promise((resolve) => {
      const done = (ok: boolean) => {
        clearTimeout(timer)
        this.doc.off('update', check)
        resolve(ok)
      }
      const check = () => {
        if (this.has(history)) done(true)
      }
      const timer = setTimeout(() => done(false), ARRIVAL_TIMEOUT_MS)
      this.doc.on('update', check)
    })
  }
}

/**
 * What every write step needs: the transaction it runs in and the record of
 * which items are the writer's own. Passed explicitly instead of kept in a
 * module, so several writers can run on one document at once.
 */
import type { Schema } from '@tiptap/pm/model'
import type * as Y from 'yjs'
import type { OwnedClocks } from './ownership.ts'

export interface WriteScope {
  readonly doc: Y.Doc
  readonly tr: Y.Transaction
  readonly owned: OwnedClocks
  readonly schema: Schema
  /**
   * Textblocks the writer emptied because they changed type. They are deleted
   * at the end of the job, not at once: a human may be typing into one at
   * this moment, and deleting it now would lose those characters.
   */
  readonly leftovers: Y.XmlElement[]
}

/**
 * A room's summary bookkeeping: about once a second while its document
 * changes, it stores the title, the plain text the search indexes and the
 * name of whoever changed it last (`DocStore.setSummary`).
 *
 * Cheap on purpose: an edit only notes its author and arms a timer; the
 * text is walked when the timer fires, and nothing is written unless the
 * title, text or author changed since the last write.
 */
import type * as Y from 'yjs'
import type * as awarenessProtocol from 'y-protocols/awareness'
import { docText } from '../ai/docText.ts'
import type { Logger } from '../log.ts'
import type { DocStore, DocSummaryInput } from '../storage/types.ts'
import { editorName } from './editorName.ts'
import { documentTitle } from './title.ts'

/** The search indexes the start of a long document only. */
export const MAX_INDEXED_CHARS = 100_000
const SAVE_DELAY_MS = 1000

/**
 * The AI's Markdown-flavoured view of the document (docText) as words a
 * person reads in a search snippet: no heading, quote, list or task markers,
 * code fences or dividers, and table rows as cells joined by " · " without
 * the delimiter row (a cell's escaped pipe as a pipe again). Only
 * line starts are touched, so a pipe or bracket inside a sentence stays.
 */
export function readableText(markdownish: string): string {
  return markdownish
    .replace(/^(?:> ?)+/gm, '')
    .replace(/^(?:```|---)[ \t]*(?:\n|$)/gm, '')
    .replace(/^#{1,6} /gm, '')
    .replace(/^\|(?:[ \t]*:?-+:?[ \t]*\|)+[ \t]*\n?/gm, '')
    .replace(/^\|(.*)\|[ \t]*$/gm, (_row, cells: string) =>
      cells.split(/(?<!\\)\|/).map((cell) => cell.trim().replace(/\\\|/g, '|')).filter((cell) => cell !== '').join(' · '),
    )
    .replace(/^([ \t]*)(?:[-*+]|\d+[.)])[ \t]+(?:\[[ xX]\][ \t]+)?/gm, '$1')
}

/**
 * The summary of a document as it stands: its title, and its text for the
 * search and its snippets (readableText), without the title's own block,
 * which the index has already, so a snippet shows the body.
 */
export function summarize(doc: Y.Doc, fragment: Y.XmlFragment, editedBy: string | null): DocSummaryInput {
  const title = documentTitle(fragment)
  let text = readableText(docText(doc, fragment).text.slice(0, MAX_INDEXED_CHARS))
  const firstBreak = text.indexOf('\n\n')
  if (title && (firstBreak < 0 ? text : text.slice(0, firstBreak)).trim() === title) text = firstBreak < 0 ? '' : text.slice(firstBreak + 2)
  return { title, text, editedBy }
}

export interface RoomSummaryOptions {
  docId: string
  store: DocStore
  log: Logger
  doc: Y.Doc
  fragment: Y.XmlFragment
  awareness: awarenessProtocol.Awareness
}

export class RoomSummary {
  private timer: NodeJS.Timeout | null = null
  /** The author of the latest change whose name we know, not yet stored. */
  private editor: string | null = null
  private stored: DocSummaryInput | null = null
  /** Consecutive changes usually share an origin: its name is looked up once. */
  private lastOrigin: unknown = null
  private lastName: string | null = null

  constructor(private readonly opts: RoomSummaryOptions) {
    opts.awareness.on('change', this.onAwareness)
  }

  /**
   * A person's first keystrokes can reach the server before their awareness
   * state (with their name) does, and they may have left again (state gone)
   * by the time the summary is saved: take the name as soon as it arrives.
   */
  private readonly onAwareness = (): void => {
    if (this.editor !== null || this.lastOrigin === null || !this.timer) return
    const name = editorName(this.lastOrigin, this.opts.awareness)
    if (name) this.editor = this.lastName = name
  }

  /**
   * A change was applied (not one loaded from storage or stored by another
   * instance). Returns the name it is credited to, for the room's other
   * bookkeeping (versions), so the lookup happens once per change.
   */
  changed(origin: unknown): string | null {
    if (origin !== this.lastOrigin || this.lastName === null) {
      this.lastOrigin = origin
      this.lastName = editorName(origin, this.opts.awareness)
    }
    if (this.lastName) this.editor = this.lastName
    if (!this.timer) this.arm()
    return this.lastName
  }

  private arm(): void {
    this.timer = setTimeout(() => {
      this.timer = null
      void this.save()
    }, SAVE_DELAY_MS)
    this.timer.unref?.()
  }

  /** Store now what is pending (the room is closing). */
  async flush(): Promise<void> {
    if (!this.timer) return
    clearTimeout(this.timer)
    this.timer = null
    await this.save()
  }

  dispose(): void {
    this.opts.awareness.off('change', this.onAwareness)
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
    this.lastOrigin = null
  }

  private async save(): Promise<void> {
    const { doc, fragment, store, docId, log } = this.opts
    if (doc.isDestroyed) return
    // A person's first keystrokes can reach the server before their
    // awareness state (with their name) does; by now it has usually arrived.
    if (this.editor === null && this.lastOrigin !== null) this.editor = editorName(this.lastOrigin, this.opts.awareness)
    let summary: DocSummaryInput
    try {
      summary = summarize(doc, fragment, this.editor)
    } catch (err) {
      // This runs from a timer: a document it cannot read (a peer's malformed
      // content) must not end the process as an unhandled rejection. The list
      // and search keep the last summary; the message names no document text.
      log.error(`could not summarize ${docId}`, (err as Error).message)
      return
    }
    const last = this.stored
    if (last && last.title === summary.title && last.text === summary.text && (summary.editedBy ?? last.editedBy) === last.editedBy) return
    this.stored = { ...summary, editedBy: summary.editedBy ?? last?.editedBy ?? null }
    try {
      await store.setSummary(docId, summary)
    } catch (err) {
      // Only the list and search go stale; the next change tries again.
      this.stored = null
      log.warn(`could not store the summary of ${docId}`, (err as Error).message)
    }
  }
}

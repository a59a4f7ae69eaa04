/**
 * StreamWriter: puts a model's streamed markdown into the shared Y.Doc while
 * people keep editing it.
 *
 * Placement
 * - `insert`: if the first output block is a paragraph and the anchor is in a
 *   paragraph or heading (and the answer does not start on a new line after
 *   the text there), the paragraph's inline content goes in at the anchor
 *   (an empty paragraph is simply filled); all further blocks become new
 *   top-level blocks after the anchor's top-level block, in order. Otherwise
 *   every block goes after the anchor's top-level block, except on an empty
 *   top-level paragraph: then they go before it, so the person's line (and
 *   their caret) stays right after the AI's text instead of sitting before it
 *   as a stray empty paragraph. Decided when the first block is placed; a
 *   line someone has typed into by then is not empty (see emptyLine.ts).
 * - `replace`: the first flush deletes the selection (text inside the end
 *   textblocks, whole blocks between; under the job's origin, so undo brings
 *   it back), then it behaves like `insert` at `from`. So a wholly selected
 *   paragraph whose answer starts with a heading stays, emptied, after the
 *   AI's text: it is not deleted, because a keystroke typed into it at the
 *   same moment would go with it, past any Discard.
 * - `blockAfter`: every block goes after the top-level block containing `at`.
 * - `insert` in a table cell: an answer that starts with `| … |` rows (no
 *   header) adds them to that table, after the anchor's row (tableRows.ts).
 *
 * Reconcile
 * - marked's lexer decides when a top-level block is complete (a later token
 *   has started on a finished line). Completed blocks are written exactly as
 *   `markdownToBlocks` would produce them and never touched again.
 * - The unfinished block is shown as a preview that holds back anything that
 *   could still be markdown syntax (see preview.ts), so its element is only
 *   created once its type is known, and usually only ever grows.
 * - Each flush compares the preview with what the writer wrote last time:
 *   marks that changed are applied with `XmlText.format`; from the first
 *   differing character on, the writer deletes its own characters and inserts
 *   the new ones. Human items are never deleted or reformatted. A block that
 *   must change type (rare: a setext underline) is emptied at once and its
 *   element deleted at finish() unless someone typed into it meanwhile.
 * - Inline, a leading space of the answer (and a trailing one of a
 *   one-paragraph answer) is kept, because there it is the gap between words.
 *
 * Why the text stays contiguous under concurrent edits
 * - New text is always inserted right after the writer's own last character,
 *   addressed by id (never at an index computed before a concurrent change),
 *   and directly after it in the item list: not after a closing format marker
 *   or deleted items to its right, where `Y.Text.insert` would put it and a
 *   person typing at the same spot would end up inside the AI's text.
 * - Yjs orders concurrent inserts that share a left neighbour by client id,
 *   smaller id first. The server's document uses a small client id
 *   (1..65535) and browsers random 32-bit ids, so when a person types at the
 *   AI's caret while the AI writes there, the AI's text lands to the left and
 *   the person's text follows it instead of splitting it.
 *
 * Every change happens inside one `doc.transact(fn, origin)` per flush, so
 * an UndoManager tracking `origin` undoes exactly the writer's work.
 */
import type { Schema } from '@tiptap/pm/model'
import * as Y from 'yjs'
import { sweepLeftovers } from './blockMirror.ts'
import { deleteBetween, widenToTable } from './deleteRange.ts'
import { MarkdownStream, type StreamStep } from './markdownStream.ts'
import { OwnedClocks } from './ownership.ts'
import { pathTo, resolvePlacement } from './placement.ts'
import { readingOf, rowsSource, tableAround, type TableAround } from './tableRows.ts'
import type { WriteScope } from './scope.ts'
import { TextBuffer } from './textBuffer.ts'
import { TopLevelWriter } from './topLevel.ts'

export type WriteTarget =
  | { kind: 'insert'; at: Y.RelativePosition } // generate / continue at a cursor
  | { kind: 'replace'; from: Y.RelativePosition; to: Y.RelativePosition } // rewrite a selection
  | { kind: 'blockAfter'; at: Y.RelativePosition } // summarize: new block(s) after the block containing `at`

export interface StreamWriterOptions {
  doc: Y.Doc
  fragment: Y.XmlFragment
  schema: Schema
  origin: object
  target: WriteTarget
}

export class StreamWriter {
  private readonly opts: StreamWriterOptions
  private readonly buffer = new TextBuffer()
  private readonly stream: MarkdownStream
  private readonly owned = new OwnedClocks()
  private readonly leftovers: Y.XmlElement[] = []
  private top: TopLevelWriter | null = null
  private selectionPending: boolean
  /** The table whose cell the anchor is in (`insert` only), and how its answer reads, once known. */
  private readonly table: TableAround | null
  private reading: 'rows' | 'text' | null = null
  /** Where a `replace` that took a whole table writes (its own anchor was inside the table). */
  private placeAt: Y.RelativePosition | null = null
  private appliedLength = 0
  private finished = false
  private lost = false

  constructor(opts: StreamWriterOptions) {
    this.opts = opts
    this.stream = new MarkdownStream(opts.schema)
    this.selectionPending = opts.target.kind === 'replace'
    this.table = opts.target.kind === 'insert' ? tableAt(opts.doc, opts.target.at) : null
    if (this.table === null) this.reading = 'text'
  }

  /**
   * True when the place the output belongs was deleted before the writer could
   * put anything there (the anchor no longer resolves). The writer then drops
   * the rest of the output instead of guessing a place. Deletions of the
   * writer's own blocks mid-stream do not set it: later blocks still go right
   * after where the deleted ones were.
   */
  get anchorLost(): boolean {
    return this.lost
  }

  /** Buffers model text; never touches the document. */
  push(text: string): void {
    if (this.finished) throw new Error('StreamWriter.push() after finish()')
    this.buffer.push(text)
  }

  /** Applies everything pushed so far in one transaction; true if the document changed. */
  flush(): boolean {
    if (this.finished) return false
    return this.apply('flush')
  }

  /**
   * Final flush. `complete` (the model ended its answer): afterwards the
   * written content equals markdownToBlocks(full text). `cutOff` (Stop, an
   * error, a timeout, the token limit): the answer ends wherever the model
   * was, often inside syntax (`| a | b` before its delimiter row, a half row
   * `| [si`, `**bo`), whose one-shot reading is raw pipes and brackets. So
   * what stays is what the preview showed (see preview.ts, tableHold.ts):
   * completed blocks, whole rows, text up to an unclosed opener. The model's
   * full text is still in the job's `delta` events.
   */
  finish(ending: 'complete' | 'cutOff' = 'complete'): void {
    if (this.finished) return
    this.apply(ending === 'complete' ? 'final' : 'cutOff')
    this.finished = true
  }

  /** Right after the writer's last written character, for the AI's caret. */
  caret(): Y.RelativePosition | null {
    return this.top?.caret() ?? null
  }

  private apply(mode: 'flush' | 'final' | 'cutOff'): boolean {
    if (this.lost) return false
    const text = this.buffer.value
    const final = mode === 'final'
    if (mode === 'flush' && text.length === this.appliedLength && !this.selectionPending) return false
    // Before the model's first word, a rewrite's selection stays: a stop now leaves the text as everyone saw it.
    if (mode !== 'final' && text.length === 0) return false
    this.reading ??= readingOf(text, mode !== 'flush')
    // Until the first lines tell whether they are rows for the table, nothing is read.
    const source = this.reading === null ? '' : this.reading === 'rows' && this.table !== null ? rowsSource(text, this.table.columns) : text
    // Advancing again over the same text is harmless: nothing new completes, and the preview is the same.
    const step = this.stream.advance(source, final)
    this.appliedLength = text.length
    const { doc } = this.opts
    let changed = false
    let endClock = 0
    doc.transact((tr) => {
      this.owned.begin(doc.clientID, Y.getState(doc.store, doc.clientID))
      const scope: WriteScope = { doc, tr, owned: this.owned, schema: this.opts.schema, leftovers: this.leftovers }
      this.write(scope, step, text, final)
      if (mode !== 'flush') sweepLeftovers(scope)
      endClock = Y.getState(doc.store, doc.clientID)
      changed = tr.changed.size > 0 || tr.deleteSet.clients.size > 0
    }, this.opts.origin)
    this.owned.end(endClock)
    return changed
  }

  private write(scope: WriteScope, step: StreamStep, text: string, final: boolean): void {
    const { doc, fragment, target } = this.opts
    if (this.selectionPending && target.kind === 'replace') {
      this.selectionPending = false
      const from = pathTo(doc, fragment, target.from)
      const to = pathTo(doc, fragment, target.to)
      if (from === null || to === null) {
        this.lost = true
        return
      }
      const [a, b] = widenToTable(from, to)
      // The whole table goes: the answer takes its place, not a place inside it.
      const where = a[a.length - 1]
      if (a !== from && where !== undefined) this.placeAt = Y.createRelativePositionFromTypeIndex(where.container, where.index)
      deleteBetween(a, b)
    }
    if (this.top === null) {
      if (step.completed === null && step.tail.length === 0) return
      const at = target.kind === 'replace' ? (this.placeAt ?? target.from) : target.at
      const placement = resolvePlacement(doc, fragment, at, target.kind !== 'blockAfter')
      if (placement === null) {
        this.lost = true
        return
      }
      this.top = new TopLevelWriter(fragment, placement, this.reading === 'rows' ? this.table : null)
    }
    this.top.setEdges({ leading: /^[ \t]+[^ \t\n]/.test(text), trailing: final && /[^ \t\n][ \t]+$/.test(text), newLine: /^[ \t]*\r?\n/.test(text) })
    for (const revision of step.revisions) this.top.revise(scope, revision.index, revision.block)
    if (step.completed !== null) this.top.commit(scope, step.completed, step.revisable)
    this.top.reconcile(scope, step.tail)
  }
}

/** The table around an `insert` anchor, if it is in a table cell's paragraph. */
export function tableAt(doc: Y.Doc, at: Y.RelativePosition): TableAround | null {
  const abs = Y.createAbsolutePositionFromRelativePosition(at, doc, false)
  const type = abs?.type
  const textblock = type instanceof Y.XmlText ? type.parent : type
  return textblock instanceof Y.XmlElement ? tableAround(textblock) : null
}

/**
 * The selection a `replace` prompt shows: a whole table selected cell by
 * cell (from its first cell's start to its last cell's end) is shown as the
 * whole table, rows and pipes included, as the writer will replace it
 * (deleteRange.ts); any other selection as it is.
 */
export function promptSelection(doc: Y.Doc, fragment: Y.XmlFragment, from: Y.RelativePosition, to: Y.RelativePosition): [Y.RelativePosition, Y.RelativePosition] {
  const a = pathTo(doc, fragment, from)
  const b = pathTo(doc, fragment, to)
  if (a === null || b === null) return [from, to]
  const [wa, wb] = widenToTable(a, b)
  const start = wa[wa.length - 1]
  const end = wb[wb.length - 1]
  if (wa === a || start === undefined || end === undefined) return [from, to]
  return [Y.createRelativePositionFromTypeIndex(start.container, start.index), Y.createRelativePositionFromTypeIndex(end.container, end.index)]
}

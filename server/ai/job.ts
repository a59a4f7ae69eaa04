/**
 * One AI job: a peer in the room that streams the model's output into the
 * shared document under its own transaction origin.
 *
 * The job is independent of the HTTP request that started it: it runs to
 * completion (or cancel) and records every event in its EventLog, which any
 * number of SSE streams replay and follow.
 *
 * Writes are batched: the first text is written at once (leading edge),
 * then at most one transaction per `flushIntervalMs`, which bounds the Yjs
 * updates per job (20/s at 50 ms) whatever the token rate.
 *
 * `delta` events follow the same cadence: each flush sends the text received
 * since the previous one as one event, and whatever is pending goes out
 * before the terminal event (done, error, or done after a cancel). The
 * protocol promises the model's text in order, not one event per token, so
 * the chunking is arbitrary; joined, the deltas are exactly the model's text.
 *
 * A Y.UndoManager tracking only this job's origin, with one capture for the
 * whole job (jobUndo.ts), makes `discard` take back exactly the job's changes
 * (restoring a rewritten selection) while every human edit stays, including
 * words typed inside the blocks the job created. `accept` hands the same
 * record to the requester's editor, whose undo stack takes it as one step.
 *
 * Until it is accepted or discarded, the job's awareness state lists the
 * items it wrote, so every collaborator's editor marks them as pending.
 */
import * as Y from 'yjs'
import type { AiAcceptResult, AiAwarenessState, AiErrorCode, AiJobStatus, AiOp, AiRequest, AiUsage } from '../../shared/aiProtocol.ts'
import { rangesFromDeleteSet, type ItemRanges } from '../../shared/itemRanges.ts'
import { isTxOrigin } from '../collab/origins.ts'
import { adoptCopies } from '../../shared/copies.ts'
import type { Room } from '../collab/room.ts'
import type { AiOrigin } from '../collab/origins.ts'
import type { Logger } from '../log.ts'
import { EventLog } from './eventLog.ts'
import { jobUndoManager } from './jobUndo.ts'
import { AiPresence } from './presence.ts'
import { AiFailure, type ChatMessage, type ModelClient } from './provider.ts'
import { StreamWriter, type WriteTarget } from './writer/index.ts'
import type { Schema } from '@tiptap/pm/model'
import type { Metrics } from '../metrics/index.ts'

export interface AiJobOptions {
  id: string
  /** Who the limits count this job against. */
  person: string
  room: Room
  request: AiRequest
  target: WriteTarget
  schema: Schema
  messages: ChatMessage[]
  model: ModelClient
  log: Logger
  maxOutputTokens: number
  temperature: number
  /** Abort when the model is silent this long. */
  idleTimeoutMs: number
  flushIntervalMs: number
  /** Tokens, time to first token, final status and error codes go here. */
  metrics?: Metrics
}

const AI_COLOR = '#7c3aed'
const CARET_INTERVAL_MS = 250

export class AiJob {
  readonly id: string
  readonly docId: string
  readonly op: AiOp
  readonly requester: { id: string; name: string }
  readonly person: string
  readonly events = new EventLog()
  readonly origin: AiOrigin
  status: AiJobStatus = 'running'
  private readonly abort = new AbortController()
  private abortReason: 'cancel' | 'timeout' | 'anchor' | 'unavailable' | 'restored' | null = null
  private readonly undo: Y.UndoManager
  private readonly writer: StreamWriter
  private readonly presence: AiPresence
  private readonly releaseRoom: () => void
  private flushTimer: NodeJS.Timeout | null = null
  private lastFlush = 0
  /** Model text not yet sent as a `delta` event. */
  private pendingText = ''
  /** When the model last sent anything (for the idle timeout). */
  private lastPartAt = 0
  private idleTimer: NodeJS.Timeout | null = null
  private lastCaretAt = 0
  private settled = false
  /** The error code it failed with, for its last log line. */
  private failureCode: AiErrorCode | null = null
  private history: AiAcceptResult['history'] | undefined = undefined
  /** Resolves when the model stream has ended, however it ended. */
  readonly finished: Promise<void>

  constructor(private readonly opts: AiJobOptions) {
    const { room, request } = opts
    this.id = opts.id
    this.docId = room.docId
    this.op = request.op
    this.requester = { id: request.requester.id, name: request.requester.name }
    this.person = opts.person
    this.origin = Object.freeze({ kind: 'ai', jobId: opts.id })
    this.releaseRoom = room.retain()
    this.undo = jobUndoManager(room.fragment, this.origin)
    this.writer = new StreamWriter({ doc: room.doc, fragment: room.fragment, schema: opts.schema, origin: this.origin, target: opts.target })
    const ai: AiAwarenessState = {
      jobId: this.id,
      op: this.op,
      requesterId: this.requester.id,
      requesterName: this.requester.name,
      status: 'writing',
      items: [],
      openFrom: this.openFrom(),
    }
    this.presence = new AiPresence(room.awareness, this.origin, { name: `AI · for ${this.requester.name}`, color: request.requester.color ?? AI_COLOR }, ai)
    this.events.append({
      type: 'start',
      data: { jobId: this.id, docId: this.docId, op: this.op, requester: this.requester, model: opts.model.model },
    })
    room.doc.on('afterTransaction', this.onTransaction)
    this.finished = this.run()
  }

  get running(): boolean {
    return this.status === 'running'
  }

  /** Stop the model now; what was written stays (and can still be discarded). */
  cancel(): void {
    if (!this.running) return
    this.abortReason = 'cancel'
    this.abort.abort()
  }

  accept(): AiAcceptResult {
    if (this.running) throw new JobStateError('the job is still running; stop it first')
    if (this.status === 'discarded') throw new JobStateError('the job was already discarded')
    // Read before settle() destroys the manager. A second accept (a retry
    // after a lost response) answers the same.
    this.history ??= this.record()
    this.status = 'accepted'
    this.settle()
    return { status: 'accepted', history: this.history }
  }

  discard(): AiJobStatus {
    if (this.running) throw new JobStateError('the job is still running; stop it first')
    if (this.status === 'accepted') throw new JobStateError('the job was already accepted')
    if (this.status !== 'discarded') {
      // UndoManager transactions carry the manager itself as origin; the room
      // stores and broadcasts them like any other change.
      this.undo.undo()
      this.status = 'discarded'
    }
    this.settle()
    return this.status
  }

  /** Accept silently: the room is going away or the job expired unresolved. */
  settle(): void {
    if (this.settled) return
    this.settled = true
    this.opts.room.doc.off('afterTransaction', this.onTransaction)
    this.presence.end()
    this.undo.destroy()
    this.releaseRoom()
  }

  /** The document was deleted (or its room closed): stop with `document_unavailable`. */
  stopUnavailable(): void {
    if (!this.running) return
    this.abortReason = 'unavailable'
    this.abort.abort()
  }

  /** An earlier version of the document is being restored: what this job would write next belongs to a document its prompt never saw. */
  stopForRestore(): void {
    if (!this.running) return
    this.abortReason = 'restored'
    this.abort.abort()
  }

  /**
   * A person's editor copied some of the job's text (a split, a new block
   * type, a list around it): the copies are the job's too (adoption.ts).
   */
  private readonly onTransaction = (tr: Y.Transaction): void => {
    // People's edits, from this instance's connections or relayed from another instance.
    if (this.settled || !isTxOrigin(tr.origin) || (tr.origin.kind !== 'connection' && tr.origin.kind !== 'remote')) return
    if (!adoptCopies(this.undo, tr)) return
    // Everyone's mark follows at once (while writing, the next caret move does it).
    if (!this.running) this.presence.finishWriting(this.insertedItems())
  }

  /** What the job inserted and deleted, or null if it changed nothing. */
  private record(): AiAcceptResult['history'] {
    const item = this.undo.undoStack[0]
    if (item === undefined || this.settled) return null
    return { insertions: rangesFromDeleteSet(item.insertions), deletions: rangesFromDeleteSet(item.deletions) }
  }

  private insertedItems(): ItemRanges {
    const item = this.undo.undoStack[0]
    return item === undefined ? [] : rangesFromDeleteSet(item.insertions)
  }

  /** While writing, the server client's items from here on are this job's (see AiAwarenessState). */
  private openFrom(): [number, number] {
    const { doc } = this.opts.room
    return [doc.clientID, Y.getState(doc.store, doc.clientID)]
  }

  private async run(): Promise<void> {
    let finishReason: string | null = null
    let usage: AiUsage | null = null
    let tokens = 0
    const runStarted = performance.now()
    // Never the instruction or the document: they are the person's content.
    this.opts.log.info('ai job started', { op: this.op, model: this.opts.model.model })
    try {
      this.lastPartAt = Date.now()
      this.idleTimer = setTimeout(() => this.checkIdle(), this.opts.idleTimeoutMs)
      const parts = this.opts.model.stream(this.opts.messages, {
        signal: this.abort.signal,
        maxTokens: this.opts.maxOutputTokens,
        temperature: this.opts.temperature,
      })
      const metrics = this.opts.metrics
      for await (const part of parts) {
        this.lastPartAt = Date.now()
        if (part.type === 'text') {
          if (metrics) {
            if (tokens === 0) metrics.aiFirstTokenSeconds.observe((performance.now() - runStarted) / 1000)
            metrics.hot.aiTokens++
          }
          tokens++
          this.writer.push(part.text)
          this.pendingText += part.text
          this.scheduleFlush()
        } else if (part.type === 'finish') finishReason = part.reason
        else usage = part.usage
      }
      if (this.abort.signal.aborted) throw new Error('aborted')
      if (finishReason === null) throw new AiFailure('incomplete', 'The model stream ended before it finished (no finish reason). The partial text can be discarded.')
      await this.complete('completed', finishReason, usage)
    } catch (err) {
      if (this.abortReason === 'cancel') await this.complete('cancelled', finishReason, usage)
      else if (this.abortReason === 'timeout') await this.fail('timeout', `The model sent nothing for ${Math.round(this.opts.idleTimeoutMs / 1000)} s; the job was stopped.`)
      else if (this.abortReason === 'anchor') await this.fail('anchor_lost', ANCHOR_LOST_MESSAGE)
      else if (this.abortReason === 'unavailable') await this.fail('document_unavailable', 'The document was deleted or closed while the AI was writing; the job was stopped.')
      else if (this.abortReason === 'restored') await this.fail('document_restored', 'An earlier version of the document was restored while the AI was writing; the job was stopped. Its text so far is kept in the version “Before restore”.')
      else if (err instanceof AiFailure) await this.fail(err.code, err.message, err.retryAfter)
      else {
        this.opts.log.error(`AI job ${this.id} failed`, { err })
        await this.fail('internal', 'The AI job failed unexpectedly.')
      }
    } finally {
      if (this.idleTimer) clearTimeout(this.idleTimer)
      this.idleTimer = null
      const status = this.status
      if (status === 'completed' || status === 'cancelled' || status === 'failed') this.opts.metrics?.aiJobsEnded[status].inc()
      const code = this.failureCode
      this.opts.log.info('ai job ended', { status, ...(code && { code }), finishReason, tokens, ms: Math.round(performance.now() - runStarted) })
    }
  }

  /**
   * Abort when the model has been silent for `idleTimeoutMs`. One timer per
   * job that re-arms itself for the remaining time, instead of a new timer
   * for every token.
   */
  private checkIdle(): void {
    this.idleTimer = null
    if (!this.running) return
    const left = this.lastPartAt + this.opts.idleTimeoutMs - Date.now()
    if (left > 0) {
      this.idleTimer = setTimeout(() => this.checkIdle(), left)
      return
    }
    this.abortReason = 'timeout'
    this.abort.abort()
  }

  private async complete(status: 'completed' | 'cancelled', finishReason: string | null, usage: AiUsage | null): Promise<void> {
    await this.endWriting(status === 'completed' && !CUT_OFF_REASONS.has(finishReason ?? '') ? 'complete' : 'cutOff')
    // The model finished before the first write found its place gone.
    if (this.writer.anchorLost) {
      this.status = 'failed'
      this.failureCode = 'anchor_lost'
      this.opts.metrics?.aiFailed('anchor_lost')
      this.events.append({ type: 'error', data: { code: 'anchor_lost', message: ANCHOR_LOST_MESSAGE } })
      return
    }
    this.status = status
    this.events.append({ type: 'done', data: { status, finishReason, usage } })
  }

  private async fail(code: AiErrorCode, message: string, retryAfter?: number): Promise<void> {
    this.failureCode = code
    this.opts.metrics?.aiFailed(code)
    await this.endWriting('cutOff')
    this.status = 'failed'
    this.events.append({ type: 'error', data: retryAfter === undefined ? { code, message } : { code, message, retryAfter } })
  }

  /** Write the rest, then wait until the room has sent it (`Room.sent`). */
  private async endWriting(ending: 'complete' | 'cutOff'): Promise<void> {
    if (this.flushTimer) clearTimeout(this.flushTimer)
    this.flushTimer = null
    this.sendText()
    if (!this.opts.room.closed) {
      try {
        // A cut-off answer keeps what everyone saw while it streamed, never
        // the raw syntax it stopped inside (StreamWriter.finish).
        this.writer.finish(ending)
      } catch (err) {
        this.opts.log.error(`AI job ${this.id}: final write failed`, err)
      }
    }
    // Text stays marked as pending for everyone until Accept or Discard.
    const items = this.insertedItems()
    if (items.length === 0 || this.opts.room.closed) this.presence.end()
    else this.presence.finishWriting(items)
    if (!this.opts.room.closed) await this.opts.room.sent()
  }

  private scheduleFlush(): void {
    if (this.flushTimer) return
    const wait = this.lastFlush + this.opts.flushIntervalMs - Date.now()
    if (wait <= 0) this.flush()
    else this.flushTimer = setTimeout(() => this.flush(), wait)
  }

  /** One `delta` event with everything received since the last one. */
  private sendText(): void {
    if (this.pendingText === '') return
    const text = this.pendingText
    this.pendingText = ''
    this.events.append({ type: 'delta', data: { text } })
  }

  private flush(): void {
    this.flushTimer = null
    this.lastFlush = Date.now()
    this.sendText()
    if (this.opts.room.closed) {
      this.stopUnavailable()
      return
    }
    this.writer.flush()
    if (this.writer.anchorLost) {
      // Nowhere to write: stop paying for tokens nobody will see.
      this.abortReason = 'anchor'
      this.abort.abort()
      return
    }
    // The caret is an awareness broadcast to every peer; moving it on every
    // flush doubled the socket writes of a job (see BENCHMARKS.md), and a
    // caret that trails by up to 250 ms reads the same.
    const now = Date.now()
    if (now - this.lastCaretAt >= CARET_INTERVAL_MS) {
      this.lastCaretAt = now
      this.presence.moveCaret(this.writer.caret(), this.insertedItems(), this.openFrom())
    }
  }
}

/** Finish reasons of an answer the model did not end itself: it stops mid-sentence, or mid-table. */
const CUT_OFF_REASONS = new Set(['length', 'content_filter'])

const ANCHOR_LOST_MESSAGE = 'The place the AI was to write was deleted before anything was written, so the job was stopped.'

export class JobStateError extends Error {
  override name = 'JobStateError'
}

/**
 * The AI job as a participant in the room's awareness: a name ("AI · for
 * Alice"), a color, a caret at its insertion point while it writes, and the
 * items it wrote (for everyone's pending mark) until it is accepted or
 * discarded. It has its own awareness client id, so it shows up beside the
 * humans; its caret goes when the writing ends, its state when the job is
 * resolved.
 */
import * as Y from 'yjs'
import * as encoding from 'lib0/encoding'
import * as awarenessProtocol from 'y-protocols/awareness'
import type { AiAwarenessState } from '../../shared/aiProtocol.ts'
import type { AiOrigin } from '../collab/origins.ts'

/** Renew well inside the 30 s after which awareness drops silent peers. */
const RENEW_MS = 10_000

export class AiPresence {
  readonly clientId: number
  private clock = 0
  private caret: Y.RelativePosition | null = null
  private readonly renewTimer: NodeJS.Timeout
  private ended = false

  constructor(
    private readonly awareness: awarenessProtocol.Awareness,
    private readonly origin: AiOrigin,
    private readonly user: { name: string; color: string },
    private ai: AiAwarenessState,
  ) {
    // Above the range of the room's small doc client ids, random like a browser's.
    this.clientId = 0x10000 + Math.floor(Math.random() * 0x7ffe0000)
    this.publish()
    this.renewTimer = setInterval(() => this.publish(), RENEW_MS)
    this.renewTimer.unref()
  }

  /** Renew the caret and the job's items (about every 250 ms while writing). */
  moveCaret(caret: Y.RelativePosition | null, items: AiAwarenessState['items'], openFrom: AiAwarenessState['openFrom']): void {
    if (this.ended) return
    this.caret = caret
    this.ai = { ...this.ai, items, openFrom }
    this.publish()
  }

  /** The writing is over: no caret; the final items stay marked as pending. */
  finishWriting(items: AiAwarenessState['items']): void {
    if (this.ended) return
    this.caret = null
    this.ai = { ...this.ai, status: 'pending', items, openFrom: null }
    this.publish()
  }

  end(): void {
    if (this.ended) return
    this.ended = true
    clearInterval(this.renewTimer)
    this.apply(null)
  }

  private publish(): void {
    const cursor = this.caret ? { anchor: Y.relativePositionToJSON(this.caret), head: Y.relativePositionToJSON(this.caret) } : null
    this.apply({ user: this.user, cursor, ai: this.ai })
  }

  private apply(state: unknown): void {
    const e = encoding.createEncoder()
    encoding.writeVarUint(e, 1)
    encoding.writeVarUint(e, this.clientId)
    encoding.writeVarUint(e, ++this.clock)
    encoding.writeVarString(e, JSON.stringify(state))
    awarenessProtocol.applyAwarenessUpdate(this.awareness, encoding.toUint8Array(e), this.origin)
  }
}

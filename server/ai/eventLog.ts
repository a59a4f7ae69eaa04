/**
 * The ordered, replayable events of one AI job. Ids start at 1 and increase
 * by one, so `since(lastId)` can replay exactly what a resuming client
 * missed; subscribers then receive live events in the same order.
 */
import { isTerminalEvent, type AiEvent, type AiEventRecord } from '../../shared/aiProtocol.ts'

export type EventListener = (event: AiEventRecord) => void

const encoder = new TextEncoder()

/** One event as an SSE message. JSON never contains a raw line break, so the data is a single `data:` line. */
export function encodeFrame(record: AiEventRecord): Uint8Array {
  return encoder.encode(`event: ${record.type}\ndata: ${JSON.stringify(record.data)}\nid: ${record.id}\n\n`)
}

export class EventLog {
  private readonly events: AiEventRecord[] = []
  /** Each event's SSE frame, built the first time a stream sends it. */
  private readonly frames: Uint8Array[] = []
  private readonly listeners = new Set<EventListener>()
  endedAt: number | null = null

  get lastId(): number {
    return this.events.length
  }

  get ended(): boolean {
    return this.endedAt !== null
  }

  append(event: AiEvent): AiEventRecord {
    if (this.ended) throw new Error('event log already ended')
    const record = { ...event, id: this.events.length + 1 } as AiEventRecord
    this.events.push(record)
    if (isTerminalEvent(event)) this.endedAt = Date.now()
    for (const l of this.listeners) l(record)
    return record
  }

  /** Events with id > lastId, oldest first. */
  since(lastId: number): AiEventRecord[] {
    return this.events.slice(Math.max(0, lastId))
  }

  /**
   * The event as one SSE message, encoded once and shared by every stream
   * that sends it (the requester, people who joined, resumptions).
   */
  frame(record: AiEventRecord): Uint8Array {
    let frame = this.frames[record.id - 1]
    if (frame === undefined) {
      frame = encodeFrame(record)
      this.frames[record.id - 1] = frame
    }
    return frame
  }

  /** Replay the events after `lastId`, then follow (as an SSE feed, sse.ts). */
  follow(lastId: number, onEvent: EventListener): () => void {
    // Synchronous: nothing can be appended between the backlog and the subscription.
    for (const e of this.since(lastId)) onEvent(e)
    return this.subscribe(onEvent)
  }

  /** Live subscribers (streams still open). */
  get listenerCount(): number {
    return this.listeners.size
  }

  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }
}

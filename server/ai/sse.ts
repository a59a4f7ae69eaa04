/**
 * Streams a job's EventLog as Server-Sent Events: first the events after
 * `lastId` (replay), then live ones, ending after the terminal event. A
 * comment heartbeat keeps proxies from closing a quiet stream.
 */
import type { Context } from 'hono'
import { streamSSE } from 'hono/streaming'
import { isTerminalEvent, type AiEventRecord } from '../../shared/aiProtocol.ts'
import type { EventLog } from './eventLog.ts'

export function streamEvents(c: Context, log: EventLog, lastId: number, heartbeatMs: number): Response {
  // nginx and similar proxies buffer responses unless told not to.
  c.header('X-Accel-Buffering', 'no')
  return streamSSE(c, async (stream) => {
    const queue: AiEventRecord[] = []
    let wake: (() => void) | null = null
    const push = (e: AiEventRecord) => {
      queue.push(e)
      wake?.()
    }
    // Subscribe before reading the backlog so nothing falls between them.
    const unsubscribe = log.subscribe(push)
    let sent = lastId
    for (const e of log.since(lastId)) push(e)
    let closed = false
    stream.onAbort(() => {
      closed = true
      wake?.()
    })
    const heartbeat = setInterval(() => {
      void stream.write(': hb\n\n').catch(() => {
        closed = true
        wake?.()
      })
    }, heartbeatMs)
    try {
      while (!closed) {
        const e = queue.shift()
        if (!e) {
          await new Promise<void>((resolve) => (wake = resolve))
          wake = null
          continue
        }
        if (e.id <= sent) continue
        sent = e.id
        await stream.writeSSE({ id: String(e.id), event: e.type, data: JSON.stringify(e.data) })
        if (isTerminalEvent(e)) break
      }
    } finally {
      clearInterval(heartbeat)
      unsubscribe()
    }
  })
}

/**
 * The resume point: `Last-Event-ID` (sent by EventSource itself) or the
 * `lastEventId` query parameter (for fetch clients). Returns an error
 * message for anything that is not an id this stream could have sent.
 */
export function parseLastEventId(header: string | undefined, query: string | undefined, lastId: number): number | { error: string } {
  const raw = header ?? query
  if (raw === undefined || raw === '') return 0
  if (!/^\d{1,10}$/.test(raw)) return { error: 'Last-Event-ID must be a non-negative integer' }
  const id = Number(raw)
  if (id > lastId) return { error: `Last-Event-ID ${id} is ahead of this stream (last id ${lastId})` }
  return id
}

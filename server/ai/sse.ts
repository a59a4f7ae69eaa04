/**
 * Streams a job's events as Server-Sent Events: first the events after
 * `lastId` (replay), then live ones, ending after the terminal event. A
 * comment heartbeat keeps proxies from closing a quiet stream, and the
 * `X-Heartbeat-Ms` header says how often it comes, so a client can tell a
 * quiet stream from a dead one whatever AI_HEARTBEAT_MS is set to.
 *
 * The body is a plain ReadableStream fed straight from the feed: the local
 * job's EventLog (each event's frame encoded once, EventLog.frame, and
 * enqueued as the event is appended, with no per-stream serialization or
 * awaiting per event), or the shared event store for a job running on
 * another instance. A feed that fails before the terminal event ends the
 * stream without one, so the client resumes (on whichever instance).
 */
import type { Context } from 'hono'
import { AI_HEARTBEAT_HEADER, isTerminalEvent, type AiEventRecord } from '../../shared/aiProtocol.ts'

/** Where a stream's events come from: replay after `afterId`, then live; returns a stop function. */
export interface EventFeed {
  follow(afterId: number, onEvent: (e: AiEventRecord) => void, onEnd: (err?: Error) => void): () => void
  frame(e: AiEventRecord): Uint8Array
}

const HEARTBEAT = new TextEncoder().encode(': hb\n\n')

/** Counts open streams (a gauge it raises on open and lowers once on end). */
export interface StreamGauge {
  inc(): void
  dec(): void
}

export function streamEvents(c: Context, log: EventFeed, lastId: number, heartbeatMs: number, gauge?: StreamGauge): Response {
  let stop = () => {}
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      let sent = lastId
      let unsubscribe = () => {}
      let heartbeat: NodeJS.Timeout | null = null
      let open = true
      gauge?.inc()
      stop = () => {
        if (open) gauge?.dec()
        open = false
        if (heartbeat) clearInterval(heartbeat)
        unsubscribe()
      }
      // Runs inside EventLog.append, so inside the job: it must never throw.
      const enqueue = (bytes: Uint8Array) => {
        try {
          controller.enqueue(bytes)
        } catch {
          stop() // already cancelled
        }
      }
      const send = (e: AiEventRecord) => {
        if (!open || e.id <= sent) return
        sent = e.id
        enqueue(log.frame(e))
        if (open && isTerminalEvent(e)) {
          stop()
          controller.close()
        }
      }
      const end = () => {
        if (!open) return
        stop()
        controller.close()
      }
      const unfollow = log.follow(lastId, send, end)
      if (!open) {
        unfollow()
        return
      }
      unsubscribe = unfollow
      heartbeat = setInterval(() => enqueue(HEARTBEAT), heartbeatMs)
    },
    // The client went away (node-server cancels the body when the socket closes).
    cancel() {
      stop()
    },
  })
  return c.body(body, 200, {
    'Content-Type': 'text/event-stream',
    'Cache-Control': 'no-cache',
    Connection: 'keep-alive',
    // As hono's streamSSE: tells node-server to stream at once instead of
    // reading ahead to compute a Content-Length.
    'Transfer-Encoding': 'chunked',
    // nginx and similar proxies buffer responses unless told not to.
    'X-Accel-Buffering': 'no',
    [AI_HEARTBEAT_HEADER]: String(heartbeatMs),
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

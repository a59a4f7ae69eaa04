/** Drive the AI HTTP API the way a fetch-based client does. */
import * as Y from 'yjs'
import { toBase64 } from 'lib0/buffer'
import { createParser } from 'eventsource-parser'
import { parseAiEvent, type AiEventRecord, type AiRequest } from '../../shared/aiProtocol.ts'
import { DOC_FIELD } from '../../shared/editorSchema.ts'

export function encodeAnchor(rpos: Y.RelativePosition): string {
  return toBase64(Y.encodeRelativePosition(rpos))
}

/** Relative position at `index` inside the text of top-level block `block`. */
export function anchorInBlock(doc: Y.Doc, block: number, index: number, assoc = 0): string {
  const el = doc.getXmlFragment(DOC_FIELD).get(block) as Y.XmlElement
  let text = el.get(0) as Y.XmlText | undefined
  if (!text) {
    text = new Y.XmlText()
    el.insert(0, [text])
  }
  return encodeAnchor(Y.createRelativePositionFromTypeIndex(text, index, assoc))
}

export function requester(name = 'Ada', id = `id-${name}`): AiRequest['requester'] {
  return { id, name, color: '#3366ff' }
}

export interface SseRun {
  events: AiEventRecord[]
  status: number
  /** Resolves when the stream ends (terminal event, abort, or network end). */
  ended: Promise<void>
  abort(): void
  jobId(): string
}

/** POST (start) or GET (resume) an event stream and collect its events. */
export async function openStream(url: string, init: RequestInit & { onEvent?: (e: AiEventRecord) => void } = {}): Promise<SseRun & { errorBody?: unknown }> {
  const ctrl = new AbortController()
  const res = await fetch(url, { ...init, signal: ctrl.signal })
  const events: AiEventRecord[] = []
  if (!res.ok || !res.body) {
    return { events, status: res.status, ended: Promise.resolve(), abort: () => {}, jobId: () => '', errorBody: await res.json() }
  }
  const parser = createParser({
    onEvent: (msg) => {
      const e = parseAiEvent(msg.event, msg.data)
      if (!e || msg.id === undefined) return
      const rec = { ...e, id: Number(msg.id) } as AiEventRecord
      events.push(rec)
      init.onEvent?.(rec)
    },
  })
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader()
  const ended = (async () => {
    try {
      for (;;) {
        const { value, done } = await reader.read()
        if (done) return
        parser.feed(value)
      }
    } catch {
      // aborted or network error: the caller decides whether to resume
    }
  })()
  return {
    events,
    status: res.status,
    ended,
    abort: () => ctrl.abort(),
    jobId: () => (events[0]?.type === 'start' ? events[0].data.jobId : ''),
  }
}

export function startJob(baseUrl: string, docId: string, body: unknown, onEvent?: (e: AiEventRecord) => void) {
  return openStream(`${baseUrl}/api/docs/${docId}/ai`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    ...(onEvent ? { onEvent } : {}),
  })
}

export function resumeJob(baseUrl: string, jobId: string, lastEventId: number, how: 'header' | 'query' = 'header', onEvent?: (e: AiEventRecord) => void) {
  const url = `${baseUrl}/api/ai/jobs/${jobId}/events${how === 'query' ? `?lastEventId=${lastEventId}` : ''}`
  return openStream(url, { headers: how === 'header' ? { 'Last-Event-ID': String(lastEventId) } : {}, ...(onEvent ? { onEvent } : {}) })
}

export async function postJob(baseUrl: string, jobId: string, action: 'cancel' | 'accept' | 'discard'): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${baseUrl}/api/ai/jobs/${jobId}/${action}`, { method: 'POST' })
  return { status: res.status, body: await res.json() }
}

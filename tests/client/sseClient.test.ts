/**
 * The browser's SSE client (client/src/ai/sseClient.ts), run in Node against
 * the real server: its connection is cut mid-stream several times, and it
 * must resume by itself without losing or repeating an event.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AiEventRecord } from '../../shared/aiProtocol.ts'
import { AiJobStream } from '../../client/src/ai/sseClient.ts'
import { startAiHarness, type AiHarness } from '../ai/harness.ts'
import { anchorInBlock, requester } from '../support/aiClient.ts'
import { tokenize } from '../support/fakeOpenAI.ts'
import { waitFor } from '../support/wait.ts'

/** Real fetch against `base`, but the first `cuts` streams break after a few chunks, like a dropped network. */
function droppingFetch(base: string, cuts: number): { fetch: typeof fetch; cutCount: () => number } {
  let cut = 0
  const f: typeof fetch = async (input, init) => {
    const res = await fetch(new URL(String(input), base), init)
    if (!res.body || cut >= cuts || !res.headers.get('content-type')?.includes('text/event-stream')) return res
    cut++
    const reader = res.body.getReader()
    let chunks = 0
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        const { value, done } = await reader.read()
        if (done) return controller.close()
        controller.enqueue(value)
        if (++chunks >= 3) {
          await reader.cancel()
          controller.error(new TypeError('network connection lost'))
        }
      },
    })
    return new Response(body, { status: res.status, headers: res.headers })
  }
  return { fetch: f, cutCount: () => cut }
}

describe('client SSE stream', () => {
  let h: AiHarness
  beforeAll(async () => {
    h = await startAiHarness()
  })
  afterAll(async () => h.close())

  it('resumes by itself after the connection drops mid-stream, delivering every event exactly once in order', async () => {
    const [a, b] = await h.room('client-sse')
    const response = Array.from({ length: 50 }, (_, i) => `t${i}`).join(' ')
    h.upstream.script({ tokens: tokenize(response, 4), delayMs: 6 })
    const events: AiEventRecord[] = []
    const failures: unknown[] = []
    const net = droppingFetch(h.srv.url, 3)
    const stream = new AiJobStream(
      { onEvent: (e) => events.push(e), onFailure: (f) => failures.push(f) },
      { fetch: net.fetch, retry: { initialDelayMs: 20, maxDelayMs: 50, maxAttempts: 10 } },
    )
    await stream.start(`/api/docs/client-sse/ai`, { op: 'continue', anchor: { from: anchorInBlock(a.doc, 0, 0) }, requester: requester() })
    expect(failures).toEqual([])
    expect(net.cutCount()).toBe(3)
    expect(events.map((e) => e.id)).toEqual(events.map((_, i) => i + 1))
    expect(events.at(-1)?.type).toBe('done')
    const text = events.map((e) => (e.type === 'delta' ? e.data.text : '')).join('')
    expect(text).toBe(response)
    await waitFor(() => b.text() === response, 'the document holds the response once')
  })

  it('reports an expired job (404 on resume) instead of retrying forever', async () => {
    const failures: { kind: string }[] = []
    const stream = new AiJobStream({ onEvent: () => {}, onFailure: (f) => failures.push(f) }, { fetch: droppingFetch(h.srv.url, 0).fetch })
    await stream.resume('00000000-0000-4000-8000-000000000000', 3)
    expect(failures.map((f) => f.kind)).toEqual(['expired'])
  })
})

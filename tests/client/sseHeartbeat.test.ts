/**
 * The client's idle timeout follows the heartbeat the server announces
 * (`X-Heartbeat-Ms`): a long heartbeat must not make every quiet stream
 * look dead, and a short one lets a dead connection be noticed sooner.
 * The fetch is injected: each stream sends `start` and then goes quiet.
 */
import { describe, expect, it } from 'vitest'
import { AiJobStream, idleTimeoutFor } from '../../client/src/ai/sseClient.ts'
import { sleep, waitFor } from '../support/wait.ts'

const START = `id: 1\nevent: start\ndata: ${JSON.stringify({ jobId: 'job-1', docId: 'd', op: 'continue', requester: { id: 'r', name: 'R' }, model: 'm' })}\n\n`
const DONE = `id: 2\nevent: done\ndata: ${JSON.stringify({ status: 'completed', finishReason: 'stop', usage: null })}\n\n`

/** A server whose first stream sends `start` and then nothing (not even a heartbeat); a resume ends the job. */
function quietServer(heartbeatHeader: string | null) {
  const calls: string[] = []
  const fetchImpl: typeof fetch = async (input, init) => {
    calls.push(String(input))
    const first = calls.length === 1
    const signal = init?.signal
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode(first ? START : DONE))
        if (!first) return controller.close()
        signal?.addEventListener('abort', () => controller.error(new DOMException('aborted', 'AbortError')))
      },
    })
    const headers: Record<string, string> = { 'Content-Type': 'text/event-stream' }
    if (heartbeatHeader !== null) headers['X-Heartbeat-Ms'] = heartbeatHeader
    return new Response(body, { status: 200, headers })
  }
  return { fetch: fetchImpl, calls }
}

function follow(server: ReturnType<typeof quietServer>, idleTimeoutMs?: number) {
  const stream = new AiJobStream(
    { onEvent: () => {}, onFailure: () => {} },
    { fetch: server.fetch, sleep: async () => {}, ...(idleTimeoutMs === undefined ? {} : { idleTimeoutMs }) },
  )
  const finished = stream.start('/api/docs/d/ai', {})
  return { stream, finished }
}

describe('the client SSE idle timeout', () => {
  it('is a few heartbeats plus a margin, and the fallback when the header is missing or nonsense', () => {
    expect(idleTimeoutFor('15000', 45_000)).toBeGreaterThanOrEqual(45_000)
    expect(idleTimeoutFor('300000', 45_000)).toBeGreaterThan(3 * 300_000)
    expect(idleTimeoutFor('100', 45_000)).toBeLessThan(5000)
    for (const junk of [null, '', 'soon', '-5', '0', 'Infinity']) expect(idleTimeoutFor(junk, 45_000)).toBe(45_000)
  })

  it('a stream from a server with a long heartbeat is not dropped as idle by the shorter fallback', async () => {
    const server = quietServer('60000')
    const { stream, finished } = follow(server, 200)
    await sleep(1000)
    expect(server.calls).toHaveLength(1)
    stream.close()
    await finished
  })

  it('a short announced heartbeat notices a dead stream long before the default 45 s, and resumes', async () => {
    const server = quietServer('100')
    const { finished } = follow(server)
    await waitFor(() => server.calls.length === 2, 'the quiet stream is resumed', 4000)
    expect(server.calls[1]).toBe('/api/ai/jobs/job-1/events?lastEventId=1')
    await finished
  })

  it('without the header, the configured fallback applies', async () => {
    const server = quietServer(null)
    const { finished } = follow(server, 200)
    await waitFor(() => server.calls.length === 2, 'the quiet stream is resumed', 2000)
    await finished
  })
})

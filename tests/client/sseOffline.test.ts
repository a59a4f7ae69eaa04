/**
 * The client's SSE stream while the device is offline: it lets go of the
 * connection at once, says so, spends no retries on a dead network (which
 * would end in "Lost the connection" though the job runs on), and resumes
 * from its last event when the network is back.
 */
import { describe, expect, it } from 'vitest'
import { AiJobStream } from '../../client/src/ai/sseClient.ts'
import type { NetworkStatus } from '../../client/src/ai/network.ts'
import type { AiStreamFailure } from '../../client/src/ai/sseClient.ts'
import { sleep, waitFor } from '../support/wait.ts'

const START = `id: 1\nevent: start\ndata: ${JSON.stringify({ jobId: 'job-1', docId: 'd', op: 'continue', requester: { id: 'r', name: 'R' }, model: 'm' })}\n\n`
const DONE = `id: 2\nevent: done\ndata: ${JSON.stringify({ status: 'completed', finishReason: 'stop', usage: null })}\n\n`

function fakeNetwork(): NetworkStatus & { set(online: boolean): void } {
  let online = true
  const listeners = new Set<() => void>()
  return {
    online: () => online,
    subscribe: (listener) => {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    set(value) {
      online = value
      for (const listener of [...listeners]) listener()
    },
  }
}

/** The first stream sends `start` and stays open; while offline every request fails; a resume ends the job. */
function server(network: NetworkStatus) {
  const calls: string[] = []
  const fetchImpl: typeof fetch = async (input, init) => {
    calls.push(String(input))
    if (!network.online()) throw new TypeError('Failed to fetch')
    const first = calls.length === 1
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode(first ? START : DONE))
        if (!first) return controller.close()
        init?.signal?.addEventListener('abort', () => controller.error(new DOMException('aborted', 'AbortError')))
      },
    })
    return new Response(body, { status: 200, headers: { 'Content-Type': 'text/event-stream' } })
  }
  return { fetch: fetchImpl, calls }
}

describe('the client SSE stream offline', () => {
  it('drops the connection when the device goes offline, waits without spending retries, and resumes when it is back', async () => {
    const network = fakeNetwork()
    const net = server(network)
    const seen: string[] = []
    const failures: AiStreamFailure[] = []
    const stream = new AiJobStream(
      {
        onEvent: (e) => seen.push(e.type),
        onFailure: (f) => failures.push(f),
        onOffline: () => seen.push('offline'),
        onReconnected: () => seen.push('reconnected'),
      },
      { fetch: net.fetch, network, sleep: async () => {}, retry: { maxAttempts: 2 } },
    )
    const finished = stream.start('/api/docs/d/ai', {})
    await waitFor(() => seen.includes('start'), 'the start event')

    network.set(false)
    await waitFor(() => seen.includes('offline'), 'the stream says it is offline')
    // Long enough for a retry loop with no delay to give up many times over.
    await sleep(300)
    expect(failures).toEqual([])
    expect(net.calls).toHaveLength(1)

    network.set(true)
    await finished
    expect(failures).toEqual([])
    expect(net.calls).toEqual(['/api/docs/d/ai', '/api/ai/jobs/job-1/events?lastEventId=1'])
    expect(seen).toEqual(['start', 'offline', 'reconnected', 'done'])
  })
})

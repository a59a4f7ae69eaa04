/**
 * Every AI event stream says how often its heartbeat comes (`X-Heartbeat-Ms`),
 * so a client can size its idle timeout to a server whose AI_HEARTBEAT_MS is
 * far from the default, instead of dropping and resuming a healthy stream.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startAiHarness, type AiHarness } from './harness.ts'
import { anchorInBlock, requester } from '../support/aiClient.ts'
import { tokenize } from '../support/fakeOpenAI.ts'

describe('the heartbeat header on AI event streams', () => {
  let h: AiHarness
  beforeAll(async () => {
    h = await startAiHarness({ AI_HEARTBEAT_MS: '240000' })
  })
  afterAll(async () => h.close())

  it('is on the stream that starts a job and on a resumed one, and a quiet resume still answers at once', async () => {
    const [a] = await h.room('heartbeat-header')
    h.upstream.script({ tokens: tokenize('A quiet job that waits.'), pauseAfter: 2 })
    const started = await fetch(`${h.srv.url}/api/docs/heartbeat-header/ai`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ op: 'continue', anchor: { from: anchorInBlock(a.doc, 0, 0) }, requester: requester() }),
    })
    expect(started.status).toBe(200)
    expect(started.headers.get('x-heartbeat-ms')).toBe('240000')
    const reader = started.body!.getReader()
    const first = new TextDecoder().decode((await reader.read()).value)
    const jobId = /"jobId":"([^"]+)"/.exec(first)?.[1]
    expect(jobId).toBeTruthy()

    // Resuming at the newest event: no event to send, and no heartbeat for
    // minutes, but the headers (and so the announcement) arrive right away.
    const abort = new AbortController()
    const t0 = Date.now()
    const resumed = await fetch(`${h.srv.url}/api/ai/jobs/${jobId}/events?lastEventId=1`, { signal: abort.signal })
    expect(Date.now() - t0).toBeLessThan(2000)
    expect(resumed.status).toBe(200)
    expect(resumed.headers.get('x-heartbeat-ms')).toBe('240000')

    abort.abort()
    await reader.cancel()
    h.upstream.release()
    await fetch(`${h.srv.url}/api/ai/jobs/${jobId}/cancel`, { method: 'POST' })
  })
})

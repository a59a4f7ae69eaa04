import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AiEventRecord } from '../../shared/aiProtocol.ts'
import { startAiHarness, type AiHarness } from './harness.ts'
import { anchorInBlock, openStream, requester, resumeJob, startJob } from '../support/aiClient.ts'
import { tokenize } from '../support/fakeOpenAI.ts'
import { sleep, waitFor } from '../support/wait.ts'

describe('resuming an AI stream with Last-Event-ID', () => {
  let h: AiHarness
  beforeAll(async () => {
    h = await startAiHarness()
  })
  afterAll(async () => h.close())

  it('a client cut off several times receives every event exactly once, in order, and the document holds the output once', async () => {
    const [a, b] = await h.room('resume')
    const response = Array.from({ length: 60 }, (_, i) => `w${i}`).join(' ')
    const tokens = tokenize(response, 9)
    h.upstream.script({ tokens, delayMs: 8 })
    const received: AiEventRecord[] = []
    let run = await startJob(h.srv.url, 'resume', { op: 'continue', anchor: { from: anchorInBlock(a.doc, 0, 0) }, requester: requester() }, (e) => received.push(e))
    const jobId = await waitFor(() => run.jobId(), 'job id')
    let cuts = 0
    let how: 'header' | 'query' = 'header'
    while (!received.some((e) => e.type === 'done')) {
      await sleep(40 + cuts * 7)
      if (cuts < 4 && !received.some((e) => e.type === 'done')) {
        run.abort()
        await run.ended
        cuts++
        const last = received.at(-1)?.id ?? 0
        run = await resumeJob(h.srv.url, jobId, last, how, (e) => received.push(e))
        expect(run.status).toBe(200)
        how = how === 'header' ? 'query' : 'header'
      } else {
        await run.ended
      }
    }
    expect(cuts).toBeGreaterThanOrEqual(3)
    expect(received.map((e) => e.id)).toEqual(received.map((_, i) => i + 1))
    expect(received.filter((e) => e.type === 'start')).toHaveLength(1)
    expect(
      received
        .filter((e) => e.type === 'delta')
        .map((e) => (e.type === 'delta' ? e.data.text : ''))
        .join(''),
    ).toBe(response)
    await waitFor(() => b.text() === response, 'document holds the output exactly once')
    expect(a.text()).toBe(response)
  })

  it('another collaborator can join a running job from the start and follow it live', async () => {
    const [a] = await h.room('join')
    h.upstream.script({ tokens: tokenize('Joined streams see everything.'), delayMs: 10, pauseAfter: 2 })
    const owner = await startJob(h.srv.url, 'join', { op: 'continue', anchor: { from: anchorInBlock(a.doc, 0, 0) }, requester: requester() })
    const jobId = await waitFor(() => owner.jobId(), 'job id')
    const joined = await resumeJob(h.srv.url, jobId, 0)
    h.upstream.release()
    await Promise.all([owner.ended, joined.ended])
    expect(joined.events).toEqual(owner.events)
    // Finished jobs stay replayable: a late joiner gets only what it lacks.
    const late = await resumeJob(h.srv.url, jobId, owner.events.length - 1)
    await late.ended
    expect(late.events).toEqual([owner.events.at(-1)])
  })

  it('a stream the client drops stops following the job, and the job goes on for the others', async () => {
    const [a] = await h.room('dropped')
    h.upstream.script({ tokens: tokenize('Some text for two readers, one of whom leaves early.'), delayMs: 5, pauseAfter: 3 })
    const owner = await startJob(h.srv.url, 'dropped', { op: 'continue', anchor: { from: anchorInBlock(a.doc, 0, 0) }, requester: requester('Dropper') })
    const jobId = await waitFor(() => owner.jobId(), 'job id')
    const events = h.srv.server.context.ai!.get(jobId)!.events
    const leaver = await resumeJob(h.srv.url, jobId, 0)
    await waitFor(() => leaver.events.some((e) => e.type === 'delta'), 'the second reader gets text')
    expect(events.listenerCount).toBe(2)
    leaver.abort()
    await waitFor(() => events.listenerCount === 1, 'the dropped stream unsubscribed')
    h.upstream.release()
    await owner.ended
    expect(owner.events.at(-1)?.type).toBe('done')
    expect(events.listenerCount).toBe(0)
  })

  it.each([
    ['a negative id', '-1'],
    ['a non-number', 'abc'],
    ['an id ahead of the stream', '99999'],
    ['a float', '1.5'],
    ['a huge number', '1'.repeat(40)],
  ])('refuses a bogus Last-Event-ID (%s) with 400', async (_n, value) => {
    const [a] = await h.room(`bogus-${value.length}-${value.charCodeAt(0)}`)
    h.upstream.script({ tokens: ['x'] })
    const run = await startJob(h.srv.url, `bogus-${value.length}-${value.charCodeAt(0)}`, { op: 'continue', anchor: { from: anchorInBlock(a.doc, 0, 0) }, requester: requester(`R${value.length}${value.charCodeAt(0)}`) })
    await run.ended
    const res = await openStream(`${h.srv.url}/api/ai/jobs/${run.jobId()}/events`, { headers: { 'Last-Event-ID': value } })
    expect(res.status).toBe(400)
    expect(res.errorBody).toMatchObject({ error: { code: 'bad_request' } })
  })

  it('sends a comment heartbeat while the model is quiet', async () => {
    const q = await startAiHarness({ AI_HEARTBEAT_MS: '100' })
    try {
      const [a] = await q.room('quiet')
      q.upstream.script({ tokens: ['Hello', ' there'], pauseAfter: 1 })
      const res = await fetch(`${q.srv.url}/api/docs/quiet/ai`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ op: 'continue', anchor: { from: anchorInBlock(a.doc, 0, 0) }, requester: requester('Quiet') }),
      })
      const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader()
      let body = ''
      while (!body.includes(': hb\n\n')) body += (await reader.read()).value ?? ''
      q.upstream.release()
      for (;;) {
        const { value, done } = await reader.read()
        if (done) break
        body += value
      }
      expect(body).toMatch(/^event: start\n/)
      expect(body).toMatch(/event: done\ndata: \{"status":"completed".*\nid: \d+\n\n$/)
    } finally {
      await q.close()
    }
  })

  it('answers 404 for an unknown job and 400 for a malformed job id', async () => {
    expect((await openStream(`${h.srv.url}/api/ai/jobs/00000000-0000-4000-8000-000000000000/events`)).status).toBe(404)
    expect((await openStream(`${h.srv.url}/api/ai/jobs/not-a-uuid/events`)).status).toBe(400)
  })
})

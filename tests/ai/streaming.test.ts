import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startAiHarness, docJSON, oneShot, type AiHarness } from './harness.ts'
import { anchorInBlock, postJob, requester, startJob } from '../support/aiClient.ts'
import { tokenize } from '../support/fakeOpenAI.ts'
import { waitFor } from '../support/wait.ts'

describe('AI text streams into the shared document', () => {
  let h: AiHarness
  beforeAll(async () => {
    h = await startAiHarness()
  })
  afterAll(async () => h.close())

  it('a second collaborator sees the AI text while the stream is still running, and both end with the expected content', async () => {
    const [a, b] = await h.room('live')
    const response = 'The quick brown fox jumps over the lazy dog, again and again, until the sun goes down.'
    const tokens = tokenize(response, 3)
    h.upstream.script({ tokens, delayMs: 5, pauseAfter: Math.floor(tokens.length / 2) })
    const run = await startJob(h.srv.url, 'live', { op: 'generate', instruction: 'a sentence about a fox', anchor: { from: anchorInBlock(a.doc, 0, 0) }, requester: requester() })
    expect(run.status).toBe(200)

    // Paused mid-stream: b already has part of the text, and no `done` yet.
    await waitFor(() => b.text().startsWith('The quick') && b.text().length < response.length, 'partial text at b')
    expect(run.events.some((e) => e.type === 'done')).toBe(false)
    const partial = b.text()
    expect(response.startsWith(partial)).toBe(true)

    h.upstream.release()
    await run.ended
    const done = run.events.at(-1)!
    expect(done.type).toBe('done')
    if (done.type === 'done') {
      expect(done.data.status).toBe('completed')
      expect(done.data.finishReason).toBe('stop')
      expect(done.data.usage?.completionTokens).toBe(tokens.length)
    }
    await waitFor(() => a.text() === response && b.text() === response, 'both have the full text')
    expect(docJSON(a.doc)).toEqual(oneShot(response))
    expect(docJSON(b.doc)).toEqual(docJSON(a.doc))
  })

  it('emits start, deltas in order and done, with increasing ids, and the headers proxies need', async () => {
    const [a] = await h.room('events')
    h.upstream.script({ tokens: ['One', ' two', ' three'] })
    const res = await fetch(`${h.srv.url}/api/docs/events/ai`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ op: 'continue', anchor: { from: anchorInBlock(a.doc, 0, 0) }, requester: requester('Bo') }),
    })
    expect(res.headers.get('content-type')).toContain('text/event-stream')
    expect(res.headers.get('cache-control')).toBe('no-cache')
    expect(res.headers.get('x-accel-buffering')).toBe('no')
    const body = await res.text()
    const ids = [...body.matchAll(/^id: (\d+)$/gm)].map((m) => Number(m[1]))
    const names = [...body.matchAll(/^event: (\w+)$/gm)].map((m) => m[1])
    // Deltas carry the model's text in order; how it is cut into events is
    // not part of the protocol (the server sends one per document flush).
    expect(names[0]).toBe('start')
    expect(names.at(-1)).toBe('done')
    expect(names.slice(1, -1).length).toBeGreaterThan(0)
    expect(names.slice(1, -1).every((n) => n === 'delta')).toBe(true)
    expect(ids).toEqual(names.map((_, i) => i + 1))
    const deltas = [...body.matchAll(/^event: delta\ndata: (.*)$/gm)].map((m) => (JSON.parse(m[1]!) as { text: string }).text)
    expect(deltas.join('')).toBe('One two three')
  })

  it('shows the AI as a participant with a caret, labelled with the requester; after the end its text stays pending until Accept', async () => {
    const [a, b] = await h.room('presence')
    h.upstream.script({ tokens: tokenize('Some words that take a while to arrive here.'), delayMs: 20, pauseAfter: 3 })
    const run = await startJob(h.srv.url, 'presence', { op: 'continue', anchor: { from: anchorInBlock(a.doc, 0, 0) }, requester: requester('Chen') })
    const aiState = await waitFor(
      () => [...b.provider.awareness.getStates().values()].find((s) => (s as { ai?: unknown }).ai) as { user: { name: string }; cursor: unknown; ai: { jobId: string } } | undefined,
      'AI participant visible',
    )
    expect(aiState.user.name).toBe('AI · for Chen')
    expect(aiState.ai.jobId).toBe(await waitFor(() => run.jobId(), 'start event'))
    await waitFor(() => [...b.provider.awareness.getStates().values()].some((s) => (s as { ai?: unknown; cursor?: unknown }).ai && (s as { cursor?: unknown }).cursor), 'AI caret')
    h.upstream.release()
    await run.ended
    // Written and waiting for Accept/Discard: no caret, the items stay
    // published as pending for everyone's mark.
    type AiPeer = { cursor: unknown; ai: { status: string; items: Array<[number, number[]]> } }
    const aiPeer = () => [...b.provider.awareness.getStates().values()].find((s) => (s as { ai?: unknown }).ai) as AiPeer | undefined
    await waitFor(() => aiPeer()?.ai.status === 'pending', 'AI job pending')
    expect(aiPeer()?.cursor).toBeNull()
    expect(aiPeer()?.ai.items.length).toBe(1)
    expect((await postJob(h.srv.url, run.jobId(), 'accept')).status).toBe(200)
    await waitFor(() => aiPeer() === undefined, 'AI participant gone after Accept')
  })

  it('coalesces tokens into at most ~20 Yjs updates per second', async () => {
    const [a, b] = await h.room('batching')
    const tokens = tokenize('word '.repeat(120), 5)
    h.upstream.script({ tokens, delayMs: 2 })
    let updates = 0
    b.doc.on('update', () => updates++)
    const started = Date.now()
    const run = await startJob(h.srv.url, 'batching', { op: 'continue', anchor: { from: anchorInBlock(a.doc, 0, 0) }, requester: requester('Dee') })
    await run.ended
    const seconds = (Date.now() - started) / 1000
    await waitFor(() => b.text().trim() === 'word '.repeat(120).trim(), 'text arrived')
    expect(tokens.length).toBeGreaterThan(100)
    expect(updates).toBeLessThan(tokens.length / 3)
    expect(updates).toBeLessThanOrEqual(Math.ceil(seconds * 20) + 3)
  })
})

describe('the end of a job', () => {
  let h: AiHarness
  beforeAll(async () => {
    h = await startAiHarness()
  })
  afterAll(async () => h.close())

  it('`done` goes out only after the job’s last words are stored and sent to the room, so "finished" never shows ahead of the text', async () => {
    const [a, b] = await h.room('last-words')
    const response = 'First paragraph of the answer.\n\nAnd a last one that ends the job.'
    h.upstream.script({ tokens: tokenize(response, 4), delayMs: 2 })
    const run = await startJob(h.srv.url, 'last-words', { op: 'continue', anchor: { from: anchorInBlock(a.doc, 0, 0) }, requester: requester('Dee') })
    const jobId = await waitFor(() => run.jobId(), 'start event')
    const job = h.srv.server.context.ai!.get(jobId)!
    const room = h.srv.server.context.registry.get('last-words')!
    const atDone: { pending: number }[] = []
    job.events.subscribe((e) => {
      if (e.type === 'done') atDone.push({ pending: room.persistence.pending })
    })
    await run.ended
    expect(run.events.at(-1)?.type).toBe('done')
    expect(atDone).toEqual([{ pending: 0 }])
    await waitFor(() => b.text() === a.text() && b.text().endsWith('ends the job.'), 'both have the whole answer')
  })

  it('after Stop, a collaborator already holds the final text when the requester hears `done`', async () => {
    // Flushes five seconds apart: the first words are written at once, the next
    // ones wait for the next flush, and Stop writes them as the job's very
    // last change (without the trailing space: a cut-off answer keeps what
    // the preview would show).
    const slow = await startAiHarness({ AI_FLUSH_INTERVAL_MS: '5000' })
    try {
      for (let round = 0; round < 3; round++) await stopRound(slow, round)
    } finally {
      await slow.close()
    }
  })
})

/** One Stop while the model pauses mid-answer, with words received but not yet flushed. */
async function stopRound(h: AiHarness, round: number): Promise<void> {
  const docId = `stop-last-${round}`
  const [a, b] = await h.room(docId, 'Let us meet on Wednesday at noon.')
  let sent = 0
  h.upstream.script({ tokens: ['We m', 'ee', 't on ', 'Thu', 'rsday.'], pauseAfter: 3, onToken: () => void sent++ })
  let atDone: string | null = null
  const run = await startJob(
    h.srv.url,
    docId,
    { op: 'rewrite', preset: 'shorter', anchor: { from: anchorInBlock(a.doc, 0, 0), to: anchorInBlock(a.doc, 0, 33) }, requester: requester(`Stopper ${round}`) },
    (e) => {
      if (e.type === 'done') atDone = b.text()
    },
  )
  const jobId = await waitFor(() => run.jobId(), 'start event')
  await waitFor(() => b.text().startsWith('We m'), 'first words at b')
  await waitFor(() => sent === 3, 'the model sent the words before its pause')
  // Loopback delivery of what was sent, well inside the flush interval.
  await new Promise((r) => setTimeout(r, 600))
  expect(b.text()).not.toContain('meet')
  await postJob(h.srv.url, jobId, 'cancel')
  await run.ended
  h.upstream.release()
  await waitFor(() => a.text() === b.text(), 'peers agree')
  expect(atDone).toBe(a.text())
  expect(a.text()).toBe('We meet on')
}

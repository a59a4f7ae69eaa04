import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { DOC_FIELD } from '../../shared/editorSchema.ts'
import { startAiHarness, type AiHarness } from './harness.ts'
import { anchorInBlock, postJob, requester, startJob } from '../support/aiClient.ts'
import { tokenize } from '../support/fakeOpenAI.ts'
import { appendParagraph } from '../support/clients.ts'
import { waitFor } from '../support/wait.ts'

describe('stop, accept and discard', () => {
  let h: AiHarness
  beforeAll(async () => {
    h = await startAiHarness()
  })
  afterAll(async () => h.close())

  it('cancel aborts the upstream request at once, ends with status cancelled, and keeps the partial text', async () => {
    const [a, b] = await h.room('cancel')
    h.upstream.script({ tokens: tokenize('a long answer that will be cut short by the person who asked'.repeat(5)), delayMs: 15 })
    const run = await startJob(h.srv.url, 'cancel', { op: 'continue', anchor: { from: anchorInBlock(a.doc, 0, 0) }, requester: requester() })
    await waitFor(() => b.text().length > 5, 'some text')
    const upstreamReq = h.upstream.requests.at(-1)!
    const res = await postJob(h.srv.url, run.jobId(), 'cancel')
    expect(res.status).toBe(200)
    expect(res.body).toEqual({ status: 'cancelled' })
    await upstreamReq.closed
    expect(upstreamReq.abortedByClient()).toBe(true)
    await run.ended
    const last = run.events.at(-1)!
    expect(last.type).toBe('done')
    if (last.type === 'done') expect(last.data.status).toBe('cancelled')
    const kept = b.text()
    expect(kept.length).toBeGreaterThan(5)
    // Still discardable.
    expect((await postJob(h.srv.url, run.jobId(), 'discard')).body).toEqual({ status: 'discarded' })
    await waitFor(() => b.text() === '' && a.text() === '', 'partial text discarded')
  })

  it('discard after a rewrite restores the original and keeps a human edit made elsewhere during the stream', async () => {
    const [a, b] = await h.room('discard', 'Original sentence here.')
    appendParagraph(a.doc, 'Second paragraph.')
    await waitFor(() => b.text() === 'Original sentence here.\nSecond paragraph.', 'setup')
    h.upstream.script({ tokens: tokenize('A completely new sentence replaces it.'), delayMs: 10, pauseAfter: 3 })
    const run = await startJob(h.srv.url, 'discard', {
      op: 'rewrite',
      preset: 'improve',
      anchor: { from: anchorInBlock(a.doc, 0, 0), to: anchorInBlock(a.doc, 0, 'Original sentence here.'.length) },
      requester: requester(),
    })
    await waitFor(() => b.text().startsWith('A com'), 'rewrite streaming')
    // A human edits the second paragraph while the AI writes.
    const second = b.doc.getXmlFragment(DOC_FIELD).get(1) as Y.XmlElement
    ;(second.get(0) as Y.XmlText).insert(0, 'Edited: ')
    h.upstream.release()
    await run.ended
    await waitFor(() => a.text() === 'A completely new sentence replaces it.\nEdited: Second paragraph.', 'rewrite done everywhere')
    expect((await postJob(h.srv.url, run.jobId(), 'discard')).body).toEqual({ status: 'discarded' })
    await waitFor(() => a.text() === 'Original sentence here.\nEdited: Second paragraph.' && b.text() === a.text(), 'original restored, human edit kept')
  })

  it('accept keeps the new text, and a settled job cannot be discarded', async () => {
    const [a, b] = await h.room('accept', 'Old words.')
    h.upstream.script({ tokens: tokenize('New words.') })
    const run = await startJob(h.srv.url, 'accept', {
      op: 'rewrite',
      instruction: 'say it anew',
      anchor: { from: anchorInBlock(a.doc, 0, 0), to: anchorInBlock(a.doc, 0, 'Old words.'.length) },
      requester: requester(),
    })
    await run.ended
    const accepted = (await postJob(h.srv.url, run.jobId(), 'accept')).body as { status: string; history: { insertions: Array<[number, number[]]>; deletions: Array<[number, number[]]> } }
    expect(accepted.status).toBe('accepted')
    // What the requester's undo stack takes as one step: the new words, and the old ones it deleted.
    expect(accepted.history.insertions.map(([, r]) => r.length)).toEqual([2])
    expect(accepted.history.deletions.length).toBeGreaterThan(0)
    // A retry of a lost response answers the same.
    expect((await postJob(h.srv.url, run.jobId(), 'accept')).body).toEqual(accepted)
    expect((await postJob(h.srv.url, run.jobId(), 'discard')).status).toBe(409)
    await waitFor(() => b.text() === 'New words.', 'new text kept')
  })

  it('refuses accept or discard while the job runs (409), and a second job by the same person (429)', async () => {
    const [a] = await h.room('busy')
    h.upstream.script({ tokens: tokenize('slow slow slow'), delayMs: 30, pauseAfter: 1 })
    const body = { op: 'continue', anchor: { from: anchorInBlock(a.doc, 0, 0) }, requester: requester('Solo') }
    const run = await startJob(h.srv.url, 'busy', body)
    await waitFor(() => run.jobId(), 'started')
    expect((await postJob(h.srv.url, run.jobId(), 'accept')).status).toBe(409)
    const second = await startJob(h.srv.url, 'busy', body)
    expect(second.status).toBe(429)
    expect(second.errorBody).toMatchObject({ error: { code: 'rate_limited' } })
    // Someone else may start one meanwhile.
    h.upstream.script({ tokens: ['ok'] })
    const other = await startJob(h.srv.url, 'busy', { ...body, requester: requester('Other') })
    expect(other.status).toBe(200)
    h.upstream.release()
    await Promise.all([run.ended, other.ended])
  })
})

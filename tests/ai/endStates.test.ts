/**
 * How a job ends when its place or its document goes away (issue 10, bug 9):
 * a job whose anchor was deleted before it wrote anything ends with
 * `anchor_lost` (not `done`/`completed` with nothing written) and stops the
 * model; a job whose document is deleted ends with `document_unavailable`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DOC_FIELD } from '../../shared/editorSchema.ts'
import { startAiHarness, type AiHarness } from './harness.ts'
import { anchorInBlock, requester, startJob } from '../support/aiClient.ts'
import { tokenize } from '../support/fakeOpenAI.ts'
import { appendParagraph } from '../support/clients.ts'
import { waitFor } from '../support/wait.ts'

describe('jobs whose place or document goes away', () => {
  let h: AiHarness
  beforeAll(async () => {
    h = await startAiHarness()
  })
  afterAll(async () => h.close())

  it('the anchor deleted before the first write gives anchor_lost, stops the model and writes nothing', async () => {
    const [a, b] = await h.room('anchor-lost', 'Write after me.')
    appendParagraph(a.doc, 'Keep me.')
    await waitFor(() => b.doc.getXmlFragment(DOC_FIELD).length === 2, 'second block')
    h.upstream.script({ tokens: tokenize('Words that have nowhere to go. '.repeat(20)), delayMs: 10, pauseAfter: 0 })
    const requestsBefore = h.upstream.requests.length
    const run = await startJob(h.srv.url, 'anchor-lost', { op: 'continue', anchor: { from: anchorInBlock(a.doc, 0, 15) }, requester: requester() })
    await waitFor(() => run.jobId(), 'start')
    const upstreamReq = await waitFor(() => h.upstream.requests[requestsBefore], 'model request')
    // Someone deletes the paragraph the AI was about to continue.
    a.doc.getXmlFragment(DOC_FIELD).delete(0, 1)
    await waitFor(() => b.doc.getXmlFragment(DOC_FIELD).length === 1, 'deletion reached the server')
    h.upstream.release()
    await run.ended
    const last = run.events.at(-1)!
    expect(last.type).toBe('error')
    if (last.type === 'error') expect(last.data.code).toBe('anchor_lost')
    expect(run.events.some((e) => e.type === 'done')).toBe(false)
    await upstreamReq.closed
    expect(upstreamReq.abortedByClient()).toBe(true)
    expect(b.text()).toBe('Keep me.')
    expect(a.text()).toBe('Keep me.')
  })

  it('a document deleted mid-job gives document_unavailable', async () => {
    const [a, b] = await h.room('deleted-mid-job', 'Start.')
    h.upstream.script({ tokens: tokenize('slow words '.repeat(40)), delayMs: 20 })
    const run = await startJob(h.srv.url, 'deleted-mid-job', { op: 'continue', anchor: { from: anchorInBlock(a.doc, 0, 6) }, requester: requester() })
    await waitFor(() => b.text().length > 8, 'some text written')
    const res = await fetch(`${h.srv.url}/api/docs/deleted-mid-job`, { method: 'DELETE' })
    expect(res.status).toBeLessThan(300)
    await run.ended
    const last = run.events.at(-1)!
    expect(last.type).toBe('error')
    if (last.type === 'error') expect(last.data.code).toBe('document_unavailable')
  })
})

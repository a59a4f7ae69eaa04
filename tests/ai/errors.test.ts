import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startAiHarness, type AiHarness } from './harness.ts'
import { anchorInBlock, postJob, requester, startJob } from '../support/aiClient.ts'
import { tokenize } from '../support/fakeOpenAI.ts'
import { allSame, appendParagraph, connectSynced } from '../support/clients.ts'
import { startServer } from '../support/servers.ts'
import { waitFor } from '../support/wait.ts'

describe('AI errors end the stream with a clear error event; the room carries on', () => {
  let h: AiHarness
  beforeAll(async () => {
    h = await startAiHarness({ AI_TIMEOUT_MS: '800' })
  })
  afterAll(async () => h.close())

  async function failingJob(docId: string, script: Parameters<AiHarness['upstream']['script']>[0]) {
    const [a, b] = await h.room(docId)
    h.upstream.script(script)
    const run = await startJob(h.srv.url, docId, { op: 'continue', anchor: { from: anchorInBlock(a.doc, 0, 0) }, requester: requester(docId) })
    await run.ended
    const last = run.events.at(-1)!
    if (last.type !== 'error') throw new Error(`expected an error event, got ${last.type}`)
    // The room still works for people.
    appendParagraph(a.doc, 'people keep writing')
    await waitFor(() => allSame([a, b]) && b.text().includes('people keep writing'), 'room still syncs')
    return { run, error: last.data, a, b }
  }

  it('an upstream 429 becomes rate_limited with retry-after', async () => {
    const { error } = await failingJob('e429', { status: 429, headers: { 'retry-after': '7' } })
    expect(error.code).toBe('rate_limited')
    expect(error.retryAfter).toBe(7)
    expect(error.message).toMatch(/rate limit/i)
  })

  it('an upstream 500 becomes upstream_error', async () => {
    const { error } = await failingJob('e500', { status: 500 })
    expect(error.code).toBe('upstream_error')
    expect(error.message).toContain('500')
  })

  it('an upstream 401 becomes upstream_auth, naming the key to check', async () => {
    const { error } = await failingJob('e401', { status: 401 })
    expect(error.code).toBe('upstream_auth')
    expect(error.message).toContain('OPENAI_API_KEY')
  })

  it('a stall past the timeout becomes timeout, and the partial text stays discardable', async () => {
    const { run, error, b } = await failingJob('stall', { tokens: tokenize('Partial text then silence forever'), stallAfter: 3 })
    expect(error.code).toBe('timeout')
    expect(b.text()).toContain('Partial')
    expect((await postJob(h.srv.url, run.jobId(), 'discard')).body).toEqual({ status: 'discarded' })
    await waitFor(() => !b.text().includes('Partial'), 'partial text discarded')
    expect(b.text()).toContain('people keep writing')
  })

  it('a stream that ends without a finish reason becomes incomplete', async () => {
    const { error } = await failingJob('nofinish', { tokens: ['Half', ' an', ' answer'], noFinish: true })
    expect(error.code).toBe('incomplete')
  })

  it('a failing job does not disturb another job running at the same time', async () => {
    const [a] = await h.room('parallel-ok')
    const [c] = await h.room('parallel-bad')
    h.upstream.script({ tokens: tokenize('The healthy job finishes its sentence.'), delayMs: 10 }, { status: 500 })
    const ok = await startJob(h.srv.url, 'parallel-ok', { op: 'continue', anchor: { from: anchorInBlock(a.doc, 0, 0) }, requester: requester('P1') })
    const bad = await startJob(h.srv.url, 'parallel-bad', { op: 'continue', anchor: { from: anchorInBlock(c.doc, 0, 0) }, requester: requester('P2') })
    await Promise.all([ok.ended, bad.ended])
    expect(bad.events.at(-1)!.type).toBe('error')
    expect(ok.events.at(-1)!.type).toBe('done')
    await waitFor(() => a.text() === 'The healthy job finishes its sentence.', 'healthy job text')
  })
})

describe('AI without configuration', () => {
  it('answers 503 naming the variables to set, while collaboration works', async () => {
    const srv = await startServer()
    try {
      const status = (await (await fetch(`${srv.url}/api/ai/status`)).json()) as { configured: boolean; message: string }
      expect(status.configured).toBe(false)
      expect(status.message).toContain('AI_MODEL')
      const a = await connectSynced(srv.wsUrl, 'noai')
      const b = await connectSynced(srv.wsUrl, 'noai')
      appendParagraph(a.doc, 'x')
      const res = await fetch(`${srv.url}/api/docs/noai/ai`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ op: 'continue', anchor: { from: anchorInBlock(a.doc, 0, 0) }, requester: requester() }),
      })
      expect(res.status).toBe(503)
      const body = (await res.json()) as { error: { code: string; message: string } }
      expect(body.error.code).toBe('ai_not_configured')
      expect(body.error.message).toContain('OPENAI_API_KEY')
      await waitFor(() => b.text() === 'x', 'collaboration unaffected')
      a.destroy()
      b.destroy()
    } finally {
      await srv.close()
    }
  })
})

describe('AI request validation', () => {
  let h: AiHarness
  beforeAll(async () => {
    h = await startAiHarness({ AI_MAX_INSTRUCTION_CHARS: '50' })
    await h.room('valid')
  })
  afterAll(async () => h.close())

  it.each([
    ['malformed JSON', '{op:', 400],
    ['an unknown op', JSON.stringify({ op: 'dance', anchor: { from: 'AAAA' }, requester: requester() }), 400],
    ['a rewrite without a selection', JSON.stringify({ op: 'rewrite', preset: 'improve', anchor: { from: 'AAAA' }, requester: requester() }), 400],
    ['generate without an instruction', JSON.stringify({ op: 'generate', anchor: { from: 'AAAA' }, requester: requester() }), 400],
    ['an anchor that is not base64', JSON.stringify({ op: 'continue', anchor: { from: '!!!' }, requester: requester() }), 400],
    ['an anchor that is not a relative position', JSON.stringify({ op: 'continue', anchor: { from: 'AAAA' }, requester: requester() }), 400],
    ['an instruction over the cap', JSON.stringify({ op: 'generate', instruction: 'x'.repeat(51), anchor: { from: 'AAAA' }, requester: requester() }), 413],
    ['extra fields', JSON.stringify({ op: 'continue', anchor: { from: 'AAAA' }, requester: requester(), sneaky: true }), 400],
  ])('refuses %s with a JSON error', async (_name, body, status) => {
    const res = await fetch(`${h.srv.url}/api/docs/valid/ai`, { method: 'POST', headers: { 'content-type': 'application/json' }, body })
    expect(res.status).toBe(status)
    const json = (await res.json()) as { error: { code: string; message: string } }
    expect(json.error.message.length).toBeGreaterThan(5)
  })
})

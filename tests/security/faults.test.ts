/**
 * Faults that are not the client's doing: a storage write that fails (a full
 * disk), and a model endpoint that drops the connection mid-stream. Nothing
 * accepted is lost, nothing is silently dropped, and the failure is visible.
 * (A crash at any moment is in crash.test.ts: it needs child processes.)
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { HealthResponse } from '../../shared/apiTypes.ts'
import { CloseCode } from '../../shared/closeCodes.ts'
import { allSame, appendParagraph, connectSynced, type TestClient } from '../support/clients.ts'
import { startServer, type TestServer } from '../support/servers.ts'
import { anchorInBlock, postJob, requester, startJob } from '../support/aiClient.ts'
import { tokenize } from '../support/fakeOpenAI.ts'
import { waitFor } from '../support/wait.ts'
import { startAiHarness, type AiHarness } from '../ai/harness.ts'
import { nextClose, storedText, TestStore } from './helpers.ts'

describe('a storage write that fails', () => {
  let srv: TestServer
  const store = new TestStore()
  const clients: TestClient[] = []
  beforeAll(async () => {
    srv = await startServer({}, { store })
  })
  afterEach(() => {
    for (const c of clients.splice(0)) c.destroy()
  })
  afterAll(async () => srv.close())

  const health = async () => {
    const res = await fetch(`${srv.url}/api/health`)
    return { status: res.status, body: (await res.json()) as HealthResponse }
  }

  it('keeps the room in memory, reports it in /api/health, refuses new writes with 4501, retries, and stores everything once storage works again', async () => {
    const docId = 'disk-full'
    const [a, b, watcher] = [await connectSynced(srv.wsUrl, docId), await connectSynced(srv.wsUrl, docId), await connectSynced(srv.wsUrl, docId)]
    clients.push(a, b, watcher)
    appendParagraph(a.doc, 'before the disk filled')
    await waitFor(() => allSame([a, b, watcher]) && watcher.text() === 'before the disk filled', 'initial sync')
    expect((await health()).status).toBe(200)

    store.diskFull = true
    // The first write after the failure is already applied in memory when
    // the append fails: it is kept there, queued, and retried.
    appendParagraph(a.doc, 'accepted as the disk filled')
    await waitFor(() => store.failedAppends > 0, 'an append failed')
    const degraded = await health()
    expect(degraded.status).toBe(503)
    expect(degraded.body.status).toBe('degraded')
    expect(degraded.body.storage.ok).toBe(false)
    expect(degraded.body.storage.lastError).toContain('ENOSPC')
    expect(degraded.body.storage.pendingWrites).toBeGreaterThanOrEqual(1)
    // Stored-before-broadcast: nobody else sees what is not stored.
    expect(watcher.text()).toBe('before the disk filled')

    // New writes are refused rather than queued in memory; the clients keep them.
    const bClosed = nextClose(b)
    appendParagraph(b.doc, 'refused while the disk was full')
    expect(await bClosed).toBe(CloseCode.StorageUnavailable)
    const aClosed = nextClose(a)
    appendParagraph(a.doc, 'also refused while the disk was full')
    expect(await aClosed).toBe(CloseCode.StorageUnavailable)

    // It keeps retrying, and the room stays loaded although no one may write.
    const failed = store.failedAppends
    await waitFor(() => store.failedAppends > failed, 'the server retries')
    expect(srv.server.context.registry.get(docId)).toBeDefined()
    expect(watcher.provider.wsconnected).toBe(true)

    store.diskFull = false
    await waitFor(async () => (await health()).status === 200, 'health recovers', 15_000)
    const lines = ['before the disk filled', 'accepted as the disk filled', 'refused while the disk was full', 'also refused while the disk was full']
    const hasAll = (text: string) => lines.every((l) => text.split('\n').includes(l))
    // 4501 is transient: a and b reconnect by themselves and resend their edits.
    await waitFor(() => allSame([a, b, watcher]) && hasAll(watcher.text()), 'everyone converges with every edit', 15_000)
    await waitFor(async () => hasAll(await storedText(store, docId)), 'every edit is stored')
    const recovered = await health()
    expect(recovered.body).toMatchObject({ status: 'ok', storage: { ok: true, lastError: null, pendingWrites: 0 } })
  })
})

describe('an upstream model that fails mid-stream', () => {
  let h: AiHarness
  beforeAll(async () => {
    h = await startAiHarness()
  })
  afterAll(async () => h.close())

  it('ends the job with an error event that says the connection was lost, and the partial text stays discardable', async () => {
    const docId = 'dropped'
    const [a, b] = await h.room(docId, 'Human text.')
    h.upstream.script({ tokens: tokenize(' Partial words before the line goes dead and then nothing more', 3), delayMs: 5, dropAfter: 6 })
    const run = await startJob(h.srv.url, docId, { op: 'continue', anchor: { from: anchorInBlock(a.doc, 0, 11) }, requester: requester('Drop') })
    await run.ended
    const last = run.events.at(-1)!
    // Exactly the 6 tokens sent before the drop, in however many deltas.
    const tokensSent = tokenize(' Partial words before the line goes dead and then nothing more', 3).slice(0, 6).join('')
    expect(
      run.events
        .filter((e) => e.type === 'delta')
        .map((e) => (e.data as { text: string }).text)
        .join(''),
    ).toBe(tokensSent)
    if (last.type !== 'error') throw new Error(`expected an error event, got ${last.type}`)
    expect(last.data.code).toBe('upstream_error')
    expect(last.data.message).toMatch(/connection to the model endpoint was lost mid-stream/)
    expect(last.data.message).toMatch(/can be discarded/)
    await waitFor(() => b.text().startsWith('Human text. Partial'), 'partial text reached the room')

    expect((await postJob(h.srv.url, run.jobId(), 'discard')).body).toEqual({ status: 'discarded' })
    await waitFor(() => allSame([a, b]) && b.text() === 'Human text.', 'partial text removed for everyone')
    await waitFor(async () => (await storedText(h.srv.server.context.store, docId)) === 'Human text.', 'and from storage')
  })
})

/**
 * Version history on three instances sharing one PostgreSQL database (and
 * the memory hub as the bus): a version named through one instance is
 * listed and read through the others; a restore through B while an AI job
 * writes on A stops that job (with `document_restored`), and every client,
 * whichever instance it is on, ends with exactly the version.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { RestoreResponse, VersionListResponse } from '../../shared/apiTypes.ts'
import { DOC_FIELD } from '../../shared/editorSchema.ts'
import { anchorInBlock, requester, startJob } from '../support/aiClient.ts'
import { connectSynced, fragmentText, type TestClient } from '../support/clients.ts'
import { startFakeOpenAI, tokenize, type FakeOpenAI } from '../support/fakeOpenAI.ts'
import { announcePostgresSkip, startPostgres, type TestPostgres } from '../support/postgresServer.ts'
import type { TestServer } from '../support/servers.ts'
import { sleep, waitFor } from '../support/wait.ts'
import { memoryBackbone, paragraphDoc, startAiInstances } from './aiInstances.ts'

const skip = announcePostgresSkip('tests/scale/versionsAcrossInstances.test.ts')

describe.skipIf(skip)('version history across three instances', () => {
  let pg: TestPostgres
  let upstream: FakeOpenAI
  let servers: TestServer[] = []
  const clients: TestClient[] = []
  beforeAll(async () => {
    ;[pg, upstream] = await Promise.all([startPostgres({ fsync: false }), startFakeOpenAI()])
    servers = await startAiInstances(3, await pg.createDatabase('versions_cluster'), upstream.url, memoryBackbone())
  })
  afterEach(() => {
    for (const c of clients.splice(0)) c.destroy()
  })
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.close()))
    await upstream?.close()
    await pg?.cleanup()
  })

  const text = (c: TestClient) => fragmentText(c.doc.getXmlFragment(DOC_FIELD))

  it('a version named on one instance is read on the others; a restore on B stops the AI job writing on A, and everyone holds the version', async () => {
    const [a, b, c] = servers as [TestServer, TestServer, TestServer]
    const docId = 'versions-across'
    const onA = await paragraphDoc(a.wsUrl, docId, 'Agreed wording.')
    clients.push(onA)
    const onC = await connectSynced(c.wsUrl, docId)
    clients.push(onC)
    await waitFor(() => text(onC) === 'Agreed wording.', 'C has the paragraph')

    // Named through B, which has had no client: it loads the document from the shared store and the bus.
    await waitFor(async () => (await (await fetch(`${b.url}/api/docs/${docId}/export?format=md`)).text()) === 'Agreed wording.\n', 'B serves the paragraph')
    const named = await fetch(`${b.url}/api/docs/${docId}/versions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'Agreed' }) })
    expect(named.status).toBe(201)
    const { id: versionId } = (await named.json()) as { id: string }
    const listedOnC = ((await (await fetch(`${c.url}/api/docs/${docId}/versions`)).json()) as VersionListResponse).versions
    expect(listedOnC).toMatchObject([{ id: versionId, kind: 'named', name: 'Agreed' }])
    expect(await (await fetch(`${c.url}/api/docs/${docId}/versions/${versionId}?format=md`)).text()).toBe('Agreed wording.\n')

    // An AI job writes on A; the restore goes through B.
    upstream.script({ tokens: tokenize(' More and more words.'.repeat(100), 1), delayMs: 5 })
    const run = await startJob(a.url, docId, { op: 'continue', anchor: { from: anchorInBlock(onA.doc, 0, 15) }, requester: requester('Ada') })
    await waitFor(() => text(onC).includes('More and more'), 'the AI text reaches C')
    const restored = await fetch(`${b.url}/api/docs/${docId}/versions/${versionId}/restore`, { method: 'POST' })
    expect(restored.status).toBe(200)
    const { backupVersionId } = (await restored.json()) as RestoreResponse
    await Promise.race([run.ended, sleep(10_000)])
    expect(run.events[run.events.length - 1]).toMatchObject({ type: 'error', data: { code: 'document_restored' } })

    await waitFor(() => text(onA) === 'Agreed wording.' && text(onC) === 'Agreed wording.', 'A and C hold the version').catch((err: unknown) => {
      throw new Error(`${String(err)}: A holds ${JSON.stringify(text(onA).slice(0, 120))}, C ${JSON.stringify(text(onC).slice(0, 120))}`)
    })
    await sleep(300)
    expect([text(onA), text(onC)]).toEqual(['Agreed wording.', 'Agreed wording.'])
    expect(await (await fetch(`${a.url}/api/docs/${docId}/versions/${backupVersionId}?format=md`)).text()).toMatch(/^Agreed wording\. More and more/)
  })
})

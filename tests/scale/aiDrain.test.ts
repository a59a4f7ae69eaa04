/**
 * A rolling deploy's SIGTERM (child processes on a real PostgreSQL and
 * Redis): the instance takes no new AI job (503 `shutting_down`), lets the
 * running one finish while streams on another instance follow it, then
 * closes its sockets with 1001 and exits. A job still running when
 * AI_DRAIN_TIMEOUT_MS runs out is cancelled, its text kept.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { anchorInBlock, postJob, requester, resumeJob, startJob } from '../support/aiClient.ts'
import { connectSynced, type TestClient } from '../support/clients.ts'
import { startFakeOpenAI, type FakeOpenAI } from '../support/fakeOpenAI.ts'
import { announcePostgresSkip, startPostgres, type TestPostgres } from '../support/postgresServer.ts'
import { announceRedisSkip, startRedis, type RedisServer } from '../support/redisServer.ts'
import type { SpawnedServer } from '../support/servers.ts'
import { waitFor } from '../support/wait.ts'
import { paragraphDoc } from './aiInstances.ts'
import { killAll, spawnAiInstances } from './aiProcesses.ts'

const FILE = 'tests/scale/aiDrain.test.ts'
const skip = announcePostgresSkip(FILE) || announceRedisSkip(FILE)

describe.skipIf(skip)('SIGTERM drains AI jobs', () => {
  let pg: TestPostgres
  let redis: RedisServer
  let upstream: FakeOpenAI
  let servers: SpawnedServer[] = []
  const clients: TestClient[] = []
  beforeAll(async () => {
    ;[pg, redis, upstream] = await Promise.all([startPostgres({ fsync: false }), startRedis(), startFakeOpenAI()])
    const url = await pg.createDatabase('ai_drain')
    const [patient, impatient] = await Promise.all([
      spawnAiInstances(2, url, redis.url, upstream.url, { AI_DRAIN_TIMEOUT_MS: '20000' }),
      spawnAiInstances(1, url, redis.url, upstream.url, { AI_DRAIN_TIMEOUT_MS: '300' }),
    ])
    servers = [...patient, ...impatient]
  })
  afterAll(async () => {
    for (const c of clients) c.destroy()
    await killAll(servers)
    await upstream?.close()
    await redis?.cleanup()
    await pg?.cleanup()
  })

  /** A document on `on` with a paragraph, a watcher on B, and a job's body. */
  const prepare = async (on: SpawnedServer, docId: string) => {
    const writer = await paragraphDoc(on.wsUrl, docId, 'End.')
    const watcher = await connectSynced(servers[1]!.wsUrl, docId)
    clients.push(writer, watcher)
    await waitFor(() => watcher.text() === 'End.', 'the watcher has the paragraph')
    const closeCodes: number[] = []
    writer.provider.on('connection-close', (event: CloseEvent | null) => {
      if (event) closeCodes.push(event.code)
    })
    return { writer, watcher, closeCodes, body: { op: 'continue', anchor: { from: anchorInBlock(writer.doc, 0, 0) }, requester: requester() } }
  }

  it('takes no new job, finishes the running one, then closes sockets with 1001', async () => {
    const [a, b] = servers as [SpawnedServer, SpawnedServer]
    const { watcher, closeCodes, body } = await prepare(a, 'drain')
    upstream.script({ tokens: ['Finished ', 'during ', 'the ', 'drain. '], delayMs: 5, pauseAfter: 2 })
    const owner = await startJob(a.url, 'drain', body)
    const jobId = await waitFor(() => owner.jobId(), 'job id')
    const onB = await resumeJob(b.url, jobId, 0)
    await waitFor(() => owner.events.some((e) => e.type === 'delta'), 'the job writes')

    a.child.kill('SIGTERM')
    // Too long an instruction: 413 until the signal is handled, so the probe never starts a job itself.
    const probe = { ...body, op: 'generate', instruction: 'x'.repeat(3000), requester: requester('Bo') }
    const refused = await waitFor(async () => {
      const res = await fetch(`${a.url}/api/docs/drain/ai`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(probe) })
      if (res.status !== 503) expect(res.status).toBe(413)
      return res.status === 503 ? ((await res.json()) as { error: { code: string } }) : null
    }, 'a new job is refused while draining')
    expect(refused.error.code).toBe('shutting_down')
    // Out of the load balancer's rotation meanwhile.
    const health = await fetch(`${a.url}/api/health`)
    expect(health.status).toBe(503)
    expect(((await health.json()) as { ai: { draining?: boolean } }).ai.draining).toBe(true)
    expect(a.child.exitCode).toBeNull()

    upstream.release()
    await Promise.all([owner.ended, onB.ended])
    expect(owner.events.at(-1)).toMatchObject({ type: 'done', data: { status: 'completed' } })
    expect(onB.events).toEqual(owner.events)
    expect(await a.exited).toEqual({ code: 0, signal: null })
    await waitFor(() => closeCodes.includes(1001), 'the socket closed with 1001')
    // The job was still pending when A went: it was accepted on the way out,
    // and another instance answers with its history.
    const accepted = await postJob(b.url, jobId, 'accept')
    expect(accepted.status).toBe(200)
    expect((accepted.body as { history: { insertions: unknown[] } | null }).history?.insertions.length).toBeGreaterThan(0)
    expect((await postJob(b.url, jobId, 'discard')).status).toBe(409)
    await waitFor(() => /^Finished during the drain\. ?End\.$/.test(watcher.text()), `the whole text is in the document (${JSON.stringify(watcher.text())})`)
  })

  it('a job still running when the drain timeout runs out is cancelled, its text kept', async () => {
    const [, b, c] = servers as [SpawnedServer, SpawnedServer, SpawnedServer]
    const { watcher, body } = await prepare(c, 'cut')
    upstream.script({ tokens: ['Kept ', 'text. ', 'never'], delayMs: 5, pauseAfter: 2 })
    const owner = await startJob(c.url, 'cut', body)
    const jobId = await waitFor(() => owner.jobId(), 'job id')
    const onB = await resumeJob(b.url, jobId, 0)
    await waitFor(() => watcher.text().startsWith('Kept text.'), 'the job writes')
    c.child.kill('SIGTERM')
    await Promise.all([owner.ended, onB.ended])
    expect(onB.events.at(-1)).toMatchObject({ type: 'done', data: { status: 'cancelled' } })
    expect(await c.exited).toEqual({ code: 0, signal: null })
    expect(watcher.text()).toMatch(/^Kept text\. ?End\.$/)
    upstream.release()
  })
})

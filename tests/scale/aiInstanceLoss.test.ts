/**
 * SIGKILL of the instance running an AI job (child processes on a real
 * PostgreSQL and Redis): the streams following the job on the other two
 * instances end with an `instance_lost` error within seconds (the job's
 * keep-alive TTL, ALIVE_TTL_MS, plus a check), the text written so far stays
 * in the document, and the job can be accepted (kept) but no longer
 * discarded.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { anchorInBlock, postJob, requester, resumeJob, startJob } from '../support/aiClient.ts'
import { connectSynced, type TestClient } from '../support/clients.ts'
import { startFakeOpenAI, type FakeOpenAI } from '../support/fakeOpenAI.ts'
import { announcePostgresSkip, startPostgres, type TestPostgres } from '../support/postgresServer.ts'
import { announceRedisSkip, startRedis, type RedisServer } from '../support/redisServer.ts'
import type { SpawnedServer } from '../support/servers.ts'
import { waitFor } from '../support/wait.ts'
import { ALIVE_TTL_MS } from '../../server/ai/sharedJobs.ts'
import { paragraphDoc } from './aiInstances.ts'
import { killAll, spawnAiInstances } from './aiProcesses.ts'

const FILE = 'tests/scale/aiInstanceLoss.test.ts'
const skip = announcePostgresSkip(FILE) || announceRedisSkip(FILE)

describe.skipIf(skip)('the instance running an AI job is killed', () => {
  let pg: TestPostgres
  let redis: RedisServer
  let upstream: FakeOpenAI
  let servers: SpawnedServer[] = []
  const clients: TestClient[] = []
  beforeAll(async () => {
    ;[pg, redis, upstream] = await Promise.all([startPostgres({ fsync: false }), startRedis(), startFakeOpenAI()])
    servers = await spawnAiInstances(3, await pg.createDatabase('ai_loss'), redis.url, upstream.url)
  })
  afterAll(async () => {
    for (const c of clients) c.destroy()
    await killAll(servers)
    await upstream?.close()
    await redis?.cleanup()
    await pg?.cleanup()
  })

  it('ends the streams on B and C with instance_lost within seconds; the text written stays', async () => {
    const [a, b, c] = servers as [SpawnedServer, SpawnedServer, SpawnedServer]
    const writer = await paragraphDoc(a.wsUrl, 'lost', 'Before.')
    const watcher = await connectSynced(b.wsUrl, 'lost')
    clients.push(writer, watcher)
    await waitFor(() => watcher.text() === 'Before.', 'B has the paragraph')
    // The model sends a few words, then stalls: the job is still running when A dies.
    upstream.script({ tokens: ['Written ', 'before ', 'the ', 'crash. ', 'never'], delayMs: 5, pauseAfter: 4 })
    const owner = await startJob(a.url, 'lost', { op: 'continue', anchor: { from: anchorInBlock(writer.doc, 0, 0) }, requester: requester() })
    const jobId = await waitFor(() => owner.jobId(), 'job id')
    const onB = await resumeJob(b.url, jobId, 0)
    const onC = await resumeJob(c.url, jobId, 0)
    await waitFor(() => onB.events.filter((e) => e.type === 'delta').length > 0 && onC.events.length > 1, 'B and C follow the job')
    await waitFor(() => watcher.text().startsWith('Written before the crash.'), 'the text reaches B')

    a.child.kill('SIGKILL')
    const killedAt = Date.now()
    await Promise.all([onB.ended, onC.ended])
    const took = Date.now() - killedAt
    for (const run of [onB, onC]) {
      const last = run.events.at(-1)!
      expect(last).toMatchObject({ type: 'error', data: { code: 'instance_lost' } })
      expect(run.events.map((e) => e.id)).toEqual(run.events.map((_, i) => i + 1))
    }
    // One ending, the same on every instance (first writer wins).
    expect(onB.events).toEqual(onC.events)
    expect(took).toBeLessThan(ALIVE_TTL_MS + 2500)
    // The text stays; keeping it works anywhere, taking it back cannot.
    expect(watcher.text()).toMatch(/^Written before the crash\. ?Before\.$/)
    expect(await postJob(c.url, jobId, 'accept')).toEqual({ status: 200, body: { status: 'accepted', history: null } })
    expect((await postJob(b.url, jobId, 'discard')).status).toBe(409)
    // A stream opened later, anywhere, replays to the same ending.
    const late = await resumeJob(c.url, jobId, 0)
    await late.ended
    expect(late.events).toEqual(onB.events)
    upstream.release()
  })
})

/**
 * AI limits across three instances (one PostgreSQL database; the memory hub
 * with one shared MemoryAdmission, then a real throwaway Redis): a person's
 * second running job in a document is refused on another instance, the
 * per-person rate is one bucket for the cluster, and AI_MAX_CONCURRENT_JOBS
 * counts every instance's jobs.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { anchorInBlock, postJob, requester, startJob, type SseRun } from '../support/aiClient.ts'
import type { TestClient } from '../support/clients.ts'
import { startFakeOpenAI, type FakeOpenAI } from '../support/fakeOpenAI.ts'
import { announcePostgresSkip, startPostgres, type TestPostgres } from '../support/postgresServer.ts'
import { announceRedisSkip, startRedis, type RedisServer } from '../support/redisServer.ts'
import type { TestServer } from '../support/servers.ts'
import { waitFor } from '../support/wait.ts'
import { memoryBackbone, paragraphDoc, redisBackbone, startAiInstances, type Backbone } from './aiInstances.ts'

const FILE = 'tests/scale/aiLimitsAcrossInstances.test.ts'
const skipPostgres = announcePostgresSkip(FILE)
const skipRedis = skipPostgres || announceRedisSkip(`${FILE} (Redis half)`)

let pg: TestPostgres
let redis: RedisServer | null = null
let upstream: FakeOpenAI
let databases = 0
beforeAll(async () => {
  if (skipPostgres) return
  ;[pg, upstream] = await Promise.all([startPostgres({ fsync: false }), startFakeOpenAI()])
  if (!skipRedis) redis = await startRedis()
})
afterAll(async () => {
  await upstream?.close()
  await redis?.cleanup()
  await pg?.cleanup()
})

const BURST = 3
const MAX_JOBS = 2
const LIMITS_ENV = { AI_RATE_PER_MINUTE: '1', AI_RATE_BURST: String(BURST), AI_MAX_CONCURRENT_JOBS: String(MAX_JOBS) }

const backbones: Array<{ name: string; skip: boolean; make: () => Backbone }> = [
  { name: 'memory hub', skip: skipPostgres, make: memoryBackbone },
  { name: 'real Redis', skip: skipRedis, make: () => redisBackbone(redis!.url, `limits${databases}:`) },
]

/** A POST that is expected to be refused: its status, Retry-After and error code. */
async function refusedPost(baseUrl: string, docId: string, body: unknown) {
  const ctrl = new AbortController()
  const res = await fetch(`${baseUrl}/api/docs/${docId}/ai`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), signal: ctrl.signal })
  const text = res.ok ? '' : await res.text()
  ctrl.abort()
  return { status: res.status, retryAfter: res.headers.get('retry-after'), text }
}

for (const kind of backbones) {
  describe.skipIf(kind.skip)(`AI limits across three instances (${kind.name})`, () => {
    let servers: TestServer[] = []
    const clients: TestClient[] = []
    const runs: SseRun[] = []
    let docs = 0
    beforeAll(async () => {
      const url = await pg.createDatabase(`limits_${++databases}`)
      servers = await startAiInstances(3, url, upstream.url, kind.make(), LIMITS_ENV)
    })
    afterAll(async () => {
      await Promise.all(servers.map((s) => s.close()))
    })
    afterEach(async () => {
      upstream.release()
      for (const r of runs.splice(0)) {
        const id = r.jobId()
        if (id) await postJob(servers[0]!.url, id, 'cancel')
        await r.ended
      }
      for (const c of clients.splice(0)) c.destroy()
      upstream.script({ tokens: ['Hello', ' world', '.'] })
    })

    /** A document with one paragraph, and a job body for `name` writing at its start. */
    const prepare = async (name: string) => {
      const docId = `limits-doc-${++docs}`
      const client = await paragraphDoc(servers[0]!.wsUrl, docId, 'Start.')
      clients.push(client)
      return { docId, body: { op: 'continue', anchor: { from: anchorInBlock(client.doc, 0, 0) }, requester: requester(name, `id-${name}-${docs}-${kind.name}`) } }
    }
    const running = async (baseUrl: string, docId: string, body: unknown) => {
      const run = await startJob(baseUrl, docId, body)
      expect(run.status).toBe(200)
      runs.push(run)
      await waitFor(() => run.jobId(), 'job started')
      return run
    }

    it("a person's second running job in the same document is refused on another instance (429)", async () => {
      const [a, b, c] = servers as [TestServer, TestServer, TestServer]
      upstream.script({ tokens: ['a', 'b', 'c'], pauseAfter: 1 })
      const { docId, body } = await prepare('Ada')
      await running(a.url, docId, body)
      for (const other of [b, c]) {
        const refused = await refusedPost(other.url, docId, body)
        expect(refused.status).toBe(429)
        expect(refused.retryAfter).toBe('1')
        expect(refused.text).toContain('already have an AI job running in this document')
      }
    })

    it('the per-person rate is one bucket for the cluster: a burst spread over the instances, then 429 with Retry-After', async () => {
      upstream.script({ tokens: ['ok'] })
      const prepared = await Promise.all(Array.from({ length: BURST + 1 }, () => prepare('Bo')))
      const body = (i: number) => ({ ...prepared[i]!.body, requester: prepared[0]!.body.requester })
      for (let i = 0; i < BURST; i++) {
        const run = await running(servers[i % 3]!.url, prepared[i]!.docId, body(i))
        await run.ended
      }
      const refused = await refusedPost(servers[BURST % 3]!.url, prepared[BURST]!.docId, body(BURST))
      expect(refused.status).toBe(429)
      expect(refused.text).toContain('too quickly')
      expect(Number(refused.retryAfter)).toBeGreaterThan(1) // one token a minute
      expect(Number(refused.retryAfter)).toBeLessThanOrEqual(60)
    })

    it('AI_MAX_CONCURRENT_JOBS counts the running jobs of every instance', async () => {
      const [a, b, c] = servers as [TestServer, TestServer, TestServer]
      upstream.script({ tokens: ['a', 'b', 'c'], pauseAfter: 1 })
      const jobs = await Promise.all(Array.from({ length: MAX_JOBS + 1 }, (_, i) => prepare(`Cy${i}`)))
      await running(a.url, jobs[0]!.docId, jobs[0]!.body)
      await running(b.url, jobs[1]!.docId, jobs[1]!.body)
      const refused = await refusedPost(c.url, jobs[2]!.docId, jobs[2]!.body)
      expect(refused.status).toBe(429)
      expect(refused.retryAfter).toBe('2')
      expect(refused.text).toContain(`maximum of ${MAX_JOBS} AI jobs`)
      // One ends (stopped through C): its place is free on every instance.
      const first = runs.shift()!
      expect((await postJob(c.url, first.jobId(), 'cancel')).status).toBe(200)
      await first.ended
      await waitFor(async () => {
        const r = await startJob(c.url, jobs[2]!.docId, jobs[2]!.body)
        if (r.status === 200) runs.push(r)
        return r.status === 200
      }, 'a place is free after the stop')
    })
  })
}

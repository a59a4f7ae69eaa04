/**
 * AI jobs across three instances (one PostgreSQL database; the memory hub
 * with a shared MemoryEventStore, then a real throwaway Redis for the bus
 * and the event store): a job started on A is followed on B and resumed on
 * C after cuts, every event exactly once; stop, accept and discard sent to
 * another instance reach the job; a draining instance takes no new job but
 * finishes its running one.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { AiEventRecord } from '../../shared/aiProtocol.ts'
import { DOC_FIELD } from '../../shared/editorSchema.ts'
import { anchorInBlock, postJob, requester, resumeJob, startJob, type SseRun } from '../support/aiClient.ts'
import type { TestClient } from '../support/clients.ts'
import { startFakeOpenAI, tokenize, type FakeOpenAI } from '../support/fakeOpenAI.ts'
import { announcePostgresSkip, startPostgres, type TestPostgres } from '../support/postgresServer.ts'
import { announceRedisSkip, startRedis, type RedisServer } from '../support/redisServer.ts'
import type { TestServer } from '../support/servers.ts'
import { sleep, waitFor } from '../support/wait.ts'
import { memoryBackbone, paragraphDoc, redisBackbone, startAiInstances, type Backbone } from './aiInstances.ts'

const FILE = 'tests/scale/aiAcrossInstances.test.ts'
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

const backbones: Array<{ name: string; skip: boolean; make: () => Backbone }> = [
  { name: 'memory hub', skip: skipPostgres, make: memoryBackbone },
  { name: 'real Redis', skip: skipRedis, make: () => redisBackbone(redis!.url, `ai${databases}:`) },
]

const deltaText = (events: AiEventRecord[]) => events.map((e) => (e.type === 'delta' ? e.data.text : '')).join('')

for (const kind of backbones) {
  describe.skipIf(kind.skip)(`AI jobs across three instances (${kind.name})`, () => {
    let servers: TestServer[] = []
    let backbone: Backbone
    const clients: TestClient[] = []
    let docs = 0
    beforeAll(async () => {
      const url = await pg.createDatabase(`ai_${++databases}`)
      backbone = kind.make()
      servers = await startAiInstances(3, url, upstream.url, backbone)
    })
    afterAll(async () => {
      await Promise.all(servers.map((s) => s.close()))
    })
    afterEach(() => {
      for (const c of clients.splice(0)) c.destroy()
    })

    /** A document on A with one paragraph, and the body of a job writing at its start. */
    const prepare = async (text = 'Start.') => {
      const docId = `ai-doc-${++docs}`
      const client = await paragraphDoc(servers[0]!.wsUrl, docId, text)
      clients.push(client)
      await waitFor(() => servers[0]!.server.context.registry.get(docId)?.doc.getXmlFragment(DOC_FIELD).length === 1, 'A has the paragraph')
      return { docId, client, body: { op: 'continue', anchor: { from: anchorInBlock(client.doc, 0, 0) }, requester: requester() } }
    }

    it('a job on A is followed on B and resumed on C after cuts, every event exactly once, in order', async () => {
      const [a, b, c] = servers as [TestServer, TestServer, TestServer]
      const { docId, body, client } = await prepare('')
      const response = Array.from({ length: 50 }, (_, i) => `w${i}`).join(' ')
      upstream.script({ tokens: tokenize(response, 3), delayMs: 6 })
      const owner = await startJob(a.url, docId, body)
      const jobId = await waitFor(() => owner.jobId(), 'job id')
      // B follows from the start without a cut.
      const follower = await resumeJob(b.url, jobId, 0)
      expect(follower.status).toBe(200)
      // Another reader hops between instances: cut, resume elsewhere with Last-Event-ID.
      const received: AiEventRecord[] = []
      let run: SseRun = await resumeJob(c.url, jobId, 0, 'header', (e) => received.push(e))
      const hops = [b, c, a, c, b]
      let cuts = 0
      while (!received.some((e) => e.type === 'done')) {
        await sleep(35)
        if (cuts < hops.length && !received.some((e) => e.type === 'done')) {
          run.abort()
          await run.ended
          const last = received.at(-1)?.id ?? 0
          run = await resumeJob(hops[cuts]!.url, jobId, last, cuts % 2 ? 'query' : 'header', (e) => received.push(e))
          expect(run.status).toBe(200)
          cuts++
        } else await run.ended
      }
      await Promise.all([owner.ended, follower.ended])
      expect(cuts).toBeGreaterThanOrEqual(3)
      expect(received.map((e) => e.id)).toEqual(received.map((_, i) => i + 1))
      expect(received).toEqual(owner.events)
      expect(follower.events).toEqual(owner.events)
      expect(deltaText(received)).toBe(response)
      expect(received.at(-1)).toMatchObject({ type: 'done', data: { status: 'completed' } })
      await waitFor(() => client.text() === response, 'document holds the output once')
      // Finished: still replayable anywhere, from any id.
      const late = await resumeJob(c.url, jobId, 2)
      await late.ended
      expect(late.events).toEqual(owner.events.slice(2))
      // An id this stream never sent is refused everywhere.
      const ahead = await resumeJob(b.url, jobId, owner.events.length + 1)
      expect(ahead.status).toBe(400)
    })

    it('stop sent to B cancels the job on A and aborts the model request', async () => {
      const [a, b] = servers as [TestServer, TestServer, TestServer]
      const { docId, body } = await prepare()
      upstream.script({ tokens: tokenize('One two three four five six seven eight nine ten.'), delayMs: 5, pauseAfter: 4 })
      const before = upstream.requests.length
      const owner = await startJob(a.url, docId, body)
      const jobId = await waitFor(() => owner.jobId(), 'job id')
      await waitFor(() => owner.events.some((e) => e.type === 'delta'), 'first text')
      const follower = await resumeJob(b.url, jobId, 0)
      const stopped = await postJob(b.url, jobId, 'cancel')
      expect(stopped).toEqual({ status: 200, body: { status: 'cancelled' } })
      const request = upstream.requests[before]!
      await request.closed
      expect(request.abortedByClient()).toBe(true)
      await Promise.all([owner.ended, follower.ended])
      expect(owner.events.at(-1)).toMatchObject({ type: 'done', data: { status: 'cancelled' } })
      expect(follower.events).toEqual(owner.events)
      upstream.release()
    })

    it('accept sent to B returns the job\'s history; discard sent to C takes the text back; conflicts answer 409', async () => {
      const [a, b, c] = servers as [TestServer, TestServer, TestServer]
      const first = await prepare('Kept: ')
      upstream.script({ tokens: tokenize('accepted words'), delayMs: 2 })
      const kept = await startJob(a.url, first.docId, first.body)
      await kept.ended
      const keptId = kept.jobId()
      // Still running is a conflict; so is accepting what was discarded.
      const accepted = await postJob(b.url, keptId, 'accept')
      expect(accepted.status).toBe(200)
      const result = accepted.body as { status: string; history: { insertions: unknown[] } | null }
      expect(result.status).toBe('accepted')
      expect(result.history?.insertions.length).toBeGreaterThan(0)
      // A retry on another instance answers the same; discarding now is a conflict.
      expect(await postJob(c.url, keptId, 'accept')).toEqual(accepted)
      expect((await postJob(c.url, keptId, 'discard')).status).toBe(409)
      await waitFor(() => first.client.text() === 'accepted wordsKept: ', 'accepted text stays')

      const second = await prepare('Original.')
      upstream.script({ tokens: tokenize(' discarded words'), delayMs: 20, pauseAfter: 1 })
      const gone = await startJob(a.url, second.docId, second.body)
      const goneId = await waitFor(() => gone.jobId(), 'job id')
      expect((await postJob(c.url, goneId, 'discard')).status).toBe(409)
      upstream.release()
      await gone.ended
      await waitFor(() => second.client.text() !== 'Original.', 'job text arrives')
      expect(await postJob(c.url, goneId, 'discard')).toEqual({ status: 200, body: { status: 'discarded' } })
      await waitFor(() => second.client.text() === 'Original.', 'job text taken back')
      expect((await postJob(b.url, goneId, 'accept')).status).toBe(409)
      expect((await postJob(a.url, goneId, 'accept')).status).toBe(409)
    })

    it('a job whose instance was taken for dead (a stall, a partition) is stopped there: one ending, the model aborted', async () => {
      const [a, b] = servers as [TestServer, TestServer, TestServer]
      const { docId, body } = await prepare()
      // Slow tokens after the pause: A must meet the refused append while the
      // model is still sending (it lost that race once on a loaded machine at 5 ms).
      upstream.script({ tokens: tokenize('One two three four five six.'), delayMs: 100, pauseAfter: 2 })
      const before = upstream.requests.length
      const owner = await startJob(a.url, docId, body)
      const jobId = await waitFor(() => owner.jobId(), 'job id')
      const follower = await resumeJob(b.url, jobId, 0)
      await waitFor(() => follower.events.some((e) => e.type === 'delta'), 'B follows')
      // What an instance that stopped hearing A would do.
      const store = await backbone.events()
      // (A may still store a delta between our read and our append: then try the next id.)
      await waitFor(async () => {
        const head = (await store.head(jobId))!
        const lost: AiEventRecord = { id: head.lastId + 1, type: 'error', data: { code: 'instance_lost', message: 'taken for dead' } }
        return store.append(jobId, lost, 'someone-else').then(() => true)
      }, 'the ending is stored')
      await follower.ended
      expect(follower.events.at(-1)).toMatchObject({ type: 'error', data: { code: 'instance_lost' } })
      upstream.release()
      // A's next event is refused by the store, so A stops the model.
      const request = upstream.requests[before]!
      await request.closed
      await owner.ended
      expect(owner.events.at(-1)).toMatchObject({ type: 'done', data: { status: 'cancelled' } })
      expect(request.abortedByClient()).toBe(true)
      expect((await store.head(jobId))!.terminal).toMatchObject({ type: 'error', data: { code: 'instance_lost' } })
      if (kind.name !== 'memory hub') await store.close()
    })

    it('a job id no instance knows is a 404 on every instance', async () => {
      for (const s of servers) {
        const res = await resumeJob(s.url, '00000000-0000-4000-8000-000000000000', 0)
        expect(res.status).toBe(404)
      }
    })
  })
}

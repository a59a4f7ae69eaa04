/**
 * The AI event store contract: every AiEventStore runs this suite (in
 * memory, and Redis against a real redis-server). Two handles on one
 * backbone stand for two instances.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { AiEventRecord } from '../../shared/aiProtocol.ts'
import { EventIdTaken, type AiEventStore } from '../../server/ai/events/index.ts'
import { sleep, waitFor } from '../support/wait.ts'

export interface EventStoreFactory {
  name: string
  /** Two stores on one backbone, with this retention. */
  open(retentionMs: number): Promise<[AiEventStore, AiEventStore]>
}

const DOC = 'doc-1'
const start = (jobId: string): AiEventRecord => ({
  id: 1,
  type: 'start',
  data: { jobId, docId: DOC, op: 'generate', requester: { id: 'r', name: 'Ada' }, model: 'm' },
})
const delta = (id: number, text = `t${id}`): AiEventRecord => ({ id, type: 'delta', data: { text } })
const done = (id: number): AiEventRecord => ({ id, type: 'done', data: { status: 'completed', finishReason: 'stop', usage: null } })

function collect(store: AiEventStore, jobId: string, afterId: number) {
  const got: AiEventRecord[] = []
  let ended = false
  let error: Error | undefined
  const following = store.follow(
    jobId,
    afterId,
    (r) => got.push(r),
    (err) => {
      ended = true
      error = err
    },
  )
  return { got, following, ended: () => ended, error: () => error }
}

let jobs = 0
const newJob = () => `00000000-0000-4000-8000-${String(++jobs).padStart(12, '0')}`

export function eventStoreContract(factory: EventStoreFactory): void {
  describe(`AI event store contract: ${factory.name}`, () => {
    let a: AiEventStore
    let b: AiEventStore
    beforeEach(async () => {
      ;[a, b] = await factory.open(60_000)
    })
    afterEach(async () => {
      await a.close()
      await b.close()
    })

    it('appends in order, and head names the document, the instance and the last id', async () => {
      const job = newJob()
      expect(await b.head(job)).toBeNull()
      await a.append(job, start(job), 'inst-A')
      await a.append(job, delta(2), 'inst-A')
      expect(await b.head(job)).toEqual({ docId: DOC, instance: 'inst-A', lastId: 2, ended: false, alive: false, terminal: null })
      await a.append(job, done(3), 'inst-A')
      expect(await b.head(job)).toMatchObject({ lastId: 3, ended: true, terminal: done(3) })
    })

    it('replays from any id, then follows live events, each exactly once, and stops after the terminal one', async () => {
      const job = newJob()
      await a.append(job, start(job), 'inst-A')
      for (let i = 2; i <= 5; i++) await a.append(job, delta(i), 'inst-A')
      const fromStart = collect(b, job, 0)
      const fromMiddle = collect(b, job, 3)
      await Promise.all([fromStart.following.ready, fromMiddle.following.ready])
      expect(fromStart.got.map((r) => r.id)).toEqual([1, 2, 3, 4, 5])
      expect(fromMiddle.got.map((r) => r.id)).toEqual([4, 5])
      for (let i = 6; i <= 40; i++) await a.append(job, delta(i), 'inst-A')
      await a.append(job, done(41), 'inst-A')
      await waitFor(() => fromStart.ended() && fromMiddle.ended(), 'both followers end')
      expect(fromStart.got).toEqual([start(job), ...Array.from({ length: 39 }, (_, i) => delta(i + 2)), done(41)])
      expect(fromMiddle.got.map((r) => r.id)).toEqual(Array.from({ length: 38 }, (_, i) => i + 4))
      expect(fromStart.error()).toBeUndefined()
      // After the end: the replay is all there is, and it ends at once.
      const late = collect(b, job, 40)
      await waitFor(() => late.ended(), 'a late follower ends')
      expect(late.got).toEqual([done(41)])
    })

    it('follows a job whose appends come while the follower waits, without loss under a burst', async () => {
      const job = newJob()
      await a.append(job, start(job), 'inst-A')
      const f = collect(b, job, 1)
      await f.following.ready
      await Promise.all(Array.from({ length: 200 }, (_, i) => a.append(job, delta(i + 2), 'inst-A')))
      await a.append(job, done(202), 'inst-A')
      await waitFor(() => f.ended(), 'follower ends')
      expect(f.got.map((r) => r.id)).toEqual(Array.from({ length: 201 }, (_, i) => i + 2))
    })

    it('an id already stored is refused (first writer wins), and a gap is refused', async () => {
      const job = newJob()
      await a.append(job, start(job), 'inst-A')
      await a.append(job, delta(2), 'inst-A')
      const error: AiEventRecord = { id: 3, type: 'error', data: { code: 'instance_lost', message: 'gone' } }
      const results = await Promise.allSettled([a.append(job, error, 'inst-B'), b.append(job, error, 'inst-C')])
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1)
      const refused = results.find((r) => r.status === 'rejected') as PromiseRejectedResult
      expect(refused.reason).toBeInstanceOf(EventIdTaken)
      await expect(a.append(job, delta(3), 'inst-A')).rejects.toBeInstanceOf(EventIdTaken)
      const other = newJob()
      await a.append(other, start(other), 'inst-A')
      await expect(a.append(other, delta(3), 'inst-A')).rejects.toThrow(/gap/)
      expect(await b.head(job)).toMatchObject({ lastId: 3, ended: true })
    })

    it('closing a follower stops delivery', async () => {
      const job = newJob()
      await a.append(job, start(job), 'inst-A')
      const f = collect(b, job, 0)
      await f.following.ready
      f.following.close()
      f.following.close()
      await a.append(job, delta(2), 'inst-A')
      await sleep(50)
      expect(f.got.map((r) => r.id)).toEqual([1])
    })

    it('a job is alive while its instance renews the keep-alive, from before its start event', async () => {
      const job = newJob()
      await a.keepAlive(job, 300)
      await a.append(job, start(job), 'inst-A')
      expect(await b.head(job)).toMatchObject({ alive: true })
      await sleep(150)
      await a.keepAlive(job, 300)
      await sleep(200)
      expect(await b.head(job)).toMatchObject({ alive: true })
      await waitFor(async () => (await b.head(job))?.alive === false, 'keep-alive runs out', 2000, 20)
    })

    it('the first outcome wins, and every handle reads it', async () => {
      const job = newJob()
      await a.append(job, start(job), 'inst-A')
      expect(await b.outcome(job)).toBeNull()
      await a.settle(job, { status: 'accepted', history: { insertions: [[1, [0, 3]]], deletions: [] } })
      await b.settle(job, { status: 'discarded' })
      expect(await b.outcome(job)).toEqual({ status: 'accepted', history: { insertions: [[1, [0, 3]]], deletions: [] } })
    })
  })

  describe(`AI event store retention: ${factory.name}`, () => {
    it('a job is forgotten retentionMs after its last append', async () => {
      const [a, b] = await factory.open(300)
      try {
        const job = newJob()
        await a.append(job, start(job), 'inst-A')
        await a.append(job, done(2), 'inst-A')
        await a.settle(job, { status: 'discarded' })
        expect(await b.head(job)).not.toBeNull()
        await waitFor(async () => (await b.head(job)) === null && (await b.outcome(job)) === null, 'job expired', 3000, 50)
      } finally {
        await a.close()
        await b.close()
      }
    })
  })
}

/**
 * AI admission: the contract in memory and on a real throwaway Redis; on
 * Redis also that a dead instance's jobs stop counting, that renewal keeps
 * a live one counting, and that with Redis down each instance falls back to
 * its own limits.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { connectRedisAdmission, MemoryAdmission, type AdmissionLimits } from '../../server/ai/admission/index.ts'
import { announceRedisSkip, startRedis, type RedisServer } from '../support/redisServer.ts'
import { sleep } from '../support/wait.ts'
import { admissionContract } from './admissionContract.ts'

admissionContract({
  name: 'memory',
  open: async () => {
    const shared = new MemoryAdmission()
    return [shared, shared]
  },
})

const skipRedis = announceRedisSkip('tests/ai/admission.test.ts (Redis half)')
const LIMITS: AdmissionLimits = { person: { perMinute: 60, burst: 5 }, server: { perMinute: 600, burst: 100 }, maxJobs: 1 }

describe.skipIf(skipRedis)('on Redis', () => {
  let redis: RedisServer
  let prefixes = 0
  beforeAll(async () => {
    redis = await startRedis()
  })
  afterAll(async () => {
    await redis?.cleanup()
  })
  const open = (aliveTtlMs?: number) => connectRedisAdmission({ url: redis.url, keyPrefix: `t${++prefixes}:`, ...(aliveTtlMs && { aliveTtlMs }) })

  admissionContract({
    name: 'Redis',
    open: async () => {
      const keyPrefix = `c${++prefixes}:`
      return Promise.all([connectRedisAdmission({ url: redis.url, keyPrefix }), connectRedisAdmission({ url: redis.url, keyPrefix })])
    },
  })

  it('a running job keeps counting while its instance renews it, and stops counting within the TTL once that instance is gone', async () => {
    const keyPrefix = `k${++prefixes}:`
    const [a, b] = await Promise.all([connectRedisAdmission({ url: redis.url, keyPrefix, aliveTtlMs: 300 }), connectRedisAdmission({ url: redis.url, keyPrefix, aliveTtlMs: 300 })])
    expect((await a.admit({ jobId: 'j1', person: 'p', docId: 'd', limits: LIMITS })).admitted).toBe(true)
    await sleep(900)
    expect(await b.admit({ jobId: 'j2', person: 'p', docId: 'd', limits: LIMITS })).toMatchObject({ admitted: false, reason: 'job_in_document' })
    // A dies: no release, no renewal.
    ;(a as unknown as { redis: { disconnect(): void } }).redis.disconnect()
    await a.close()
    await sleep(400)
    expect((await b.admit({ jobId: 'j3', person: 'p', docId: 'd', limits: LIMITS })).admitted).toBe(true)
    await b.close()
  })

  it('leaves no key behind: buckets expire once full again, running jobs once released', async () => {
    const keyPrefix = `m${++prefixes}:`
    const a = await connectRedisAdmission({ url: redis.url, keyPrefix })
    // One token refills in 100 ms (person) and 10 ms (server).
    const limits: AdmissionLimits = { person: { perMinute: 600, burst: 2 }, server: { perMinute: 6000, burst: 2 }, maxJobs: 5 }
    expect((await a.admit({ jobId: 'j1', person: 'p', docId: 'd', limits })).admitted).toBe(true)
    await a.release('j1')
    const probe = await connectRedisAdmission({ url: redis.url, keyPrefix: 'probe:' })
    const client = (probe as unknown as { redis: { keys(p: string): Promise<string[]> } }).redis
    expect(await client.keys(`${keyPrefix}*`)).toContain(`${keyPrefix}admit:rate:p:p`)
    await sleep(150)
    expect(await client.keys(`${keyPrefix}*`)).toEqual([])
    await Promise.all([a.close(), probe.close()])
  })
})

describe.skipIf(skipRedis)('with Redis down', () => {
  it("falls back to this instance's own limits instead of refusing every job", async () => {
    const redis = await startRedis()
    try {
      const a = await connectRedisAdmission({ url: redis.url })
      expect((await a.admit({ jobId: 'j1', person: 'p', docId: 'd', limits: LIMITS })).admitted).toBe(true)
      await redis.kill()
      // The job Redis admitted still counts locally (maxJobs 1).
      expect(await a.admit({ jobId: 'j2', person: 'q', docId: 'd', limits: LIMITS })).toMatchObject({ admitted: false, reason: 'max_jobs' })
      await a.release('j1')
      expect((await a.admit({ jobId: 'j3', person: 'q', docId: 'd', limits: LIMITS })).admitted).toBe(true)
      await a.close()
    } finally {
      await redis.cleanup()
    }
  })
})

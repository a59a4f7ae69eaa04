/**
 * The Redis bus against a real, throwaway redis-server: the contract, then
 * what only a real Redis can show (killed and restarted, stalled, what it
 * stores, the subscriptions it holds).
 */
import { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { connectRedisBus, type RedisBusOptions } from '../../server/bus/redisBus.ts'
import type { Bus, BusStatusChange, DocMessage } from '../../server/bus/types.ts'
import { createMemoryHub } from '../../server/bus/memoryBus.ts'
import { withFaults } from '../support/faultyBus.ts'
import { announceRedisSkip, freePort, startRedis, type RedisServer } from '../support/redisServer.ts'
import { waitFor } from '../support/wait.ts'
import { busContract } from './contract.ts'
import { runSchedule } from './schedule.ts'

const skip = announceRedisSkip('tests/bus/redis.test.ts')

let redis: RedisServer
let admin: Redis
let prefixes = 0

// One redis-server for the file; every cluster gets channels of its own.
const nextPrefix = () => `t${++prefixes}:`
const busOptions = (prefix: string): RedisBusOptions => ({ url: redis.url, channelPrefix: prefix, maxRetryDelayMs: 100 })

async function restartRedis(): Promise<void> {
  await redis.start()
  await waitFor(() => admin.status === 'ready', 'the admin connection to return', 20_000)
}

describe.skipIf(skip)('redis bus', () => {
  beforeAll(async () => {
    redis = await startRedis()
    admin = new Redis(redis.url, { maxRetriesPerRequest: 0, retryStrategy: () => 50 })
    admin.on('error', () => {})
  })
  afterAll(async () => {
    admin?.disconnect()
    await redis?.cleanup()
  })

  busContract({
    name: 'redis',
    cluster: async () => {
      const prefix = nextPrefix()
      const buses: Bus[] = []
      return {
        connect: async (options) => {
          const bus = await connectRedisBus({ ...busOptions(prefix), ...options })
          buses.push(bus)
          return bus
        },
        outage: () => redis.kill(),
        restore: () => restartRedis(),
        close: async () => void (await Promise.all(buses.map((b) => b.close()))),
      }
    },
  })

  describe('with a real redis-server', () => {
    const numsub = async (channel: string) => Number((await admin.pubsub('NUMSUB', channel))[1])

    it('fails to start with a clear message, password hidden, when Redis is unreachable', async () => {
      const dead = `redis://user:s3cret@127.0.0.1:${await freePort()}`
      const started = Date.now()
      const err = await connectRedisBus({ url: dead, connectTimeoutMs: 1000 }).catch((e: Error) => e)
      expect(err).toBeInstanceOf(Error)
      expect((err as Error).message).toMatch(/^Redis at redis:\/\/user:\*\*\*@127\.0\.0\.1:\d+\/? is unreachable: /)
      expect((err as Error).message).not.toContain('s3cret')
      expect(Date.now() - started).toBeLessThan(5000)
    })

    it('subscribes a channel once however many handlers ask, and unsubscribes with the last', async () => {
      const prefix = nextPrefix()
      const bus = await connectRedisBus(busOptions(prefix))
      const channel = `${prefix}doc:shared`
      const first = bus.subscribe('shared', () => {})
      const second = bus.subscribe('shared', () => {})
      await Promise.all([first.ready, second.ready])
      expect(await numsub(channel)).toBe(1)
      first.close()
      expect(await numsub(channel)).toBe(1)
      second.close()
      await waitFor(async () => (await numsub(channel)) === 0, 'the channel to be unsubscribed')
      expect(await numsub(`${prefix}control`)).toBe(1)
      await bus.close()
      await waitFor(async () => (await numsub(`${prefix}control`)) === 0, 'close to unsubscribe everything')
    })

    it('times its own heartbeat through Redis and back (the relay latency, on one clock); other messages and other instances\' heartbeats do not count', async () => {
      const prefix = nextPrefix()
      const [a, b] = await Promise.all([connectRedisBus(busOptions(prefix)), connectRedisBus(busOptions(prefix))])
      const heardByB: string[] = []
      a.subscribeControl(() => {})
      b.subscribeControl((message) => heardByB.push(message.type))
      const times: number[] = []
      const stop = a.onRelayTime((seconds) => times.push(seconds))
      const bTimes: number[] = []
      b.onRelayTime((seconds) => bTimes.push(seconds))

      a.publishControl({ type: 'revoked', jti: 'x' })
      await waitFor(() => heardByB.includes('revoked'), 'b hears a')
      expect(times).toEqual([])
      const sentAt = performance.now()
      a.publishControl({ type: 'instance-heartbeat' })
      await waitFor(() => times.length === 1, 'a hears its own heartbeat back')
      expect(times[0]).toBeGreaterThan(0)
      expect(times[0]! * 1000).toBeLessThanOrEqual(performance.now() - sentAt)
      expect(heardByB).toContain('instance-heartbeat')
      expect(bTimes).toEqual([])
      stop()
      a.publishControl({ type: 'instance-heartbeat' })
      await waitFor(() => heardByB.filter((t) => t === 'instance-heartbeat').length === 2, 'b hears the second heartbeat')
      expect(times).toHaveLength(1)
      await Promise.all([a.close(), b.close()])
    })

    it('stores nothing in Redis: pub/sub only, whatever is published', async () => {
      const prefix = nextPrefix()
      const [a, b] = await Promise.all([connectRedisBus(busOptions(prefix)), connectRedisBus(busOptions(prefix))])
      let got = 0
      const subs = Array.from({ length: 50 }, (_, i) => b.subscribe(`d${i}`, () => got++))
      await Promise.all(subs.map((s) => s.ready))
      for (let i = 0; i < 500; i++) a.publish(`d${i % 100}`, { type: 'update', firstSeq: i, updates: [new Uint8Array(100)] })
      await waitFor(() => got === 250, 'the subscribed half')
      expect(await admin.dbsize()).toBe(0)
      await Promise.all([a.close(), b.close()])
    })

    it('is subscribed again before it says reconnected, so a room re-reading the store then misses nothing', async () => {
      const prefix = nextPrefix()
      const bus = await connectRedisBus(busOptions(prefix))
      const subs = Array.from({ length: 20 }, (_, i) => bus.subscribe(`d${i}`, () => {}))
      await Promise.all(subs.map((s) => s.ready))
      const seen: number[] = []
      bus.onStatus((change) => {
        if (change !== 'reconnected') return
        // Asked at the moment of the event: every channel must already be live.
        void Promise.all(subs.map((_, i) => numsub(`${prefix}doc:d${i}`))).then((counts) => seen.push(...counts))
      })
      await redis.kill()
      await waitFor(() => bus.status() === 'down', 'down')
      await restartRedis()
      await waitFor(() => seen.length === 20, 'the subscription counts at reconnect', 20_000)
      expect(seen).toEqual(Array(20).fill(1))
      await bus.close()
    })

    it('reconverges over several kills and restarts with no manual step', async () => {
      const prefix = nextPrefix()
      const [a, b] = await Promise.all([connectRedisBus(busOptions(prefix)), connectRedisBus(busOptions(prefix))])
      const heard: BusStatusChange[] = []
      b.onStatus((c) => heard.push(c))
      const got: DocMessage[] = []
      await b.subscribe('d', (m) => got.push(m)).ready
      for (let round = 1; round <= 3; round++) {
        await redis.kill()
        await waitFor(() => a.status() === 'down' && b.status() === 'down', `down in round ${round}`)
        a.publish('d', { type: 'heads', lastSeq: -round + 1000 })
        await restartRedis()
        await waitFor(() => a.status() === 'up' && b.status() === 'up', `up in round ${round}`, 20_000)
        a.publish('d', { type: 'heads', lastSeq: round })
        await waitFor(() => got.length === round, `delivery in round ${round}`)
      }
      expect(got).toEqual([1, 2, 3].map((lastSeq) => ({ type: 'heads', lastSeq })))
      expect(heard).toEqual(['down', 'reconnected', 'down', 'reconnected', 'down', 'reconnected'])
      await Promise.all([a.close(), b.close()])
    })

    it('wraps the real Redis bus in the fault injector: the same seed gives the same schedule as in memory', async () => {
      const faults = { seed: 21, drop: 0.1, duplicate: 0.1, delay: 0.2, maxDelayMs: 20 }
      const prefix = nextPrefix()
      const from = await connectRedisBus(busOptions(prefix))
      const to = withFaults(await connectRedisBus(busOptions(prefix)), faults)
      const overRedis = await runSchedule({ from, to }, 1000)
      const hub = createMemoryHub()
      const inMemory = await runSchedule({ from: hub.connect(), to: withFaults(hub.connect(), faults) }, 1000)
      expect(overRedis.log).toEqual(inMemory.log)
      expect(overRedis.counts.drop).toBeGreaterThan(50)
      expect(new Set(overRedis.received).size).toBe(1000 - overRedis.counts.drop)
      await Promise.all([from.close(), to.close()])
    })

    it('bounds what waits on a stalled Redis: beyond maxPendingBytes publishes are dropped, not queued', async () => {
      const prefix = nextPrefix()
      const a = await connectRedisBus({ ...busOptions(prefix), maxPendingBytes: 1 << 20 })
      const b = await connectRedisBus(busOptions(prefix))
      let got = 0
      await b.subscribe('d', () => got++).ready
      redis.pause()
      try {
        for (let i = 0; i < 10; i++) a.publish('d', { type: 'update', firstSeq: i, updates: [new Uint8Array(256 * 1024)] })
        expect(a.stats()).toMatchObject({ published: 3, dropped: 7 })
      } finally {
        redis.resume()
      }
      await waitFor(() => got === 3, 'the three that fit')
      a.publish('d', { type: 'heads', lastSeq: 1 })
      await waitFor(() => got === 4, 'a publish once Redis answers again')
      await Promise.all([a.close(), b.close()])
    })
  })
})

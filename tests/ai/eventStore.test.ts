/** The AI event store contract, in memory and on a real throwaway Redis. */
import { afterAll, beforeAll, describe } from 'vitest'
import { connectRedisEventStore, MemoryEventStore } from '../../server/ai/events/index.ts'
import { announceRedisSkip, startRedis, type RedisServer } from '../support/redisServer.ts'
import { eventStoreContract } from './eventStoreContract.ts'

eventStoreContract({
  name: 'memory',
  open: async (retentionMs) => {
    const store = new MemoryEventStore({ retentionMs })
    return [store, store]
  },
})

const skipRedis = announceRedisSkip('tests/ai/eventStore.test.ts (Redis half)')

describe.skipIf(skipRedis)('on Redis', () => {
  let redis: RedisServer
  let prefixes = 0
  beforeAll(async () => {
    redis = await startRedis()
  })
  afterAll(async () => {
    await redis?.cleanup()
  })
  eventStoreContract({
    name: 'Redis Streams',
    open: async (retentionMs) => {
      const keyPrefix = `t${++prefixes}:`
      return Promise.all([connectRedisEventStore({ url: redis.url, keyPrefix, retentionMs }), connectRedisEventStore({ url: redis.url, keyPrefix, retentionMs })])
    },
  })
})

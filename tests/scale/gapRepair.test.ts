/**
 * Gap repair: three instances on one PostgreSQL database, each on the real
 * Redis bus behind the seeded fault injector, which drops, duplicates and
 * holds back (reorders) a fifth of the messages each. The instances and
 * their clients still converge, with no edit after the last lost message;
 * and when the bus loses everything, the heads and the store poll still
 * bring every instance the last edit.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { connectRedisBus } from '../../server/bus/index.ts'
import * as Y from 'yjs'
import { DOC_FIELD } from '../../shared/editorSchema.ts'
import { appendParagraph, fragmentText, type TestClient } from '../support/clients.ts'
import { withFaults, type FaultyBus } from '../support/faultyBus.ts'
import { announcePostgresSkip, startPostgres, type TestPostgres } from '../support/postgresServer.ts'
import { announceRedisSkip, startRedis, type RedisServer } from '../support/redisServer.ts'
import type { TestServer } from '../support/servers.ts'
import { waitFor } from '../support/wait.ts'
import { connectSpread, converged, describeDivergence, editConcurrently, startInstances, storedDoc } from './instances.ts'

const skip = announcePostgresSkip('tests/scale/gapRepair.test.ts') || announceRedisSkip('tests/scale/gapRepair.test.ts')

describe.skipIf(skip)('gap repair over a lossy Redis bus', () => {
  let pg: TestPostgres
  let redis: RedisServer
  let servers: TestServer[] = []
  let buses: FaultyBus[] = []
  const clients: TestClient[] = []
  let round = 0
  beforeAll(async () => {
    ;[pg, redis] = await Promise.all([startPostgres({ fsync: false }), startRedis()])
  })
  afterEach(async () => {
    for (const c of clients.splice(0)) c.destroy()
    await Promise.all(servers.map((s) => s.close()))
  })
  afterAll(async () => {
    await redis?.cleanup()
    await pg?.cleanup()
  })

  const open = async (seed: number) => {
    const url = await pg.createDatabase(`gaps_${++round}`)
    buses = []
    servers = await startInstances(
      3,
      url,
      async (i) => {
        const bus = withFaults(await connectRedisBus({ url: redis.url, channelPrefix: `gaps${round}:` }), { seed: seed * 10 + i, drop: 0.2, duplicate: 0.2, delay: 0.2, maxDelayMs: 80 })
        buses.push(bus)
        return bus
      },
      // Compact often, while instances still miss messages: no instance may fold away updates it has not applied.
      { env: { COMPACT_AFTER_UPDATES: '5' } },
    )
  }

  for (const seed of [1, 2]) {
    it(`seed ${seed}: twelve clients converge although a fifth of the messages are lost, a fifth doubled, a fifth reordered`, async () => {
      await open(seed)
      clients.push(...(await connectSpread(servers, 'lossy', 12)))
      await editConcurrently(clients, 12, seed)
      // No edit from here on: the heads and the store poll must do it.
      await waitFor(() => converged(clients, servers, 'lossy'), `convergence (${describeDivergence(clients)})`, 15_000)
      // The store, compacted by all three meanwhile, holds every update.
      const stored = await storedDoc(servers[0]!, 'lossy')
      expect(Y.encodeStateVector(stored).toString()).toBe(Y.encodeStateVector(clients[0]!.doc).toString())
      expect(fragmentText(stored.getXmlFragment(DOC_FIELD))).toBe(clients[0]!.text())
      const counts = buses.map((b) => b.counts())
      for (const c of counts) {
        expect(c.drop).toBeGreaterThan(0)
        expect(c.duplicate).toBeGreaterThan(0)
        expect(c.delay).toBeGreaterThan(0)
      }
    })
  }

  it('an edit whose every message is lost still reaches every instance (heads, then the store poll)', async () => {
    await open(3)
    clients.push(...(await connectSpread(servers, 'silent', 3)))
    for (const b of buses) b.setRates({ drop: 1, duplicate: 0, delay: 0 })
    appendParagraph(clients[0]!.doc, 'nobody hears this on the bus')
    await waitFor(() => converged(clients, servers, 'silent'), `convergence through the store (${describeDivergence(clients)})`, 10_000)
    expect(clients[2]!.text()).toContain('nobody hears this on the bus')
  })
})

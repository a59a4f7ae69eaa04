/**
 * Three instances on one PostgreSQL database and one bus (the memory hub,
 * then a real throwaway Redis): twelve y-websocket clients spread over them
 * edit at once and converge; a late joiner on any instance receives
 * everything; carets cross instances, and those of an instance that dies
 * without a word disappear for everyone.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { connectRedisBus, createMemoryHub, type Bus } from '../../server/bus/index.ts'
import { connectSynced, type TestClient } from '../support/clients.ts'
import { announcePostgresSkip, startPostgres, type TestPostgres } from '../support/postgresServer.ts'
import { announceRedisSkip, startRedis, type RedisServer } from '../support/redisServer.ts'
import type { TestServer } from '../support/servers.ts'
import { waitFor } from '../support/wait.ts'
import { connectSpread, converged, describeDivergence, editConcurrently, startInstances } from './instances.ts'

const skipPostgres = announcePostgresSkip('tests/scale/convergence.test.ts')
const skipRedis = skipPostgres || announceRedisSkip('tests/scale/convergence.test.ts (Redis half)')

// Short, so a dead instance's carets go within a test's patience.
const TIMINGS = { heartbeatMs: 200, peerTimeoutMs: 1000 }

let pg: TestPostgres
let redis: RedisServer | null = null
let databases = 0
beforeAll(async () => {
  if (skipPostgres) return
  pg = await startPostgres({ fsync: false })
  if (!skipRedis) redis = await startRedis()
})
afterAll(async () => {
  await redis?.cleanup()
  await pg?.cleanup()
})

const buses: Array<{ name: string; skip: boolean; make: () => (i: number) => Bus | Promise<Bus> }> = [
  {
    name: 'memory hub',
    skip: skipPostgres,
    make: () => {
      const hub = createMemoryHub()
      return () => hub.connect()
    },
  },
  {
    name: 'real Redis',
    skip: skipRedis,
    make: () => {
      const prefix = `conv${databases}:`
      return () => connectRedisBus({ url: redis!.url, channelPrefix: prefix })
    },
  },
]

for (const kind of buses) {
  describe.skipIf(kind.skip)(`three instances on ${kind.name}`, () => {
    let servers: TestServer[] = []
    const clients: TestClient[] = []
    const open = async () => {
      const url = await pg.createDatabase(`conv_${++databases}`)
      servers = await startInstances(3, url, kind.make(), { clusterTimings: TIMINGS })
    }
    afterEach(async () => {
      for (const c of clients.splice(0)) c.destroy()
      await Promise.all(servers.map((s) => s.close()))
    })

    it('twelve clients spread over three instances edit at once and converge; late joiners get everything', async () => {
      await open()
      clients.push(...(await connectSpread(servers, 'shared', 12)))
      await editConcurrently(clients, 15, 11)
      await waitFor(() => converged(clients, servers, 'shared'), `convergence (${describeDivergence(clients)})`, 15_000)
      expect(clients[0]!.text().length).toBeGreaterThan(100)
      // Through the bus, not only the store poll.
      for (const s of servers) expect(s.server.context.bus!.stats().delivered).toBeGreaterThan(0)
      // Each instance's room writes under its own claimed server client id.
      const ids = servers.map((s) => s.server.context.registry.get('shared')!.doc.clientID)
      expect(new Set(ids).size).toBe(3)
      for (const [i, s] of servers.entries()) {
        // Claimed: nobody else can take it while the room is loaded.
        expect(await s.server.context.store.claimClientId('shared', ids[i] as number)).toBe(false)
      }
      for (const s of servers) {
        const late = await connectSynced(s.wsUrl, 'shared')
        clients.push(late)
        await waitFor(() => late.text() === clients[0]!.text(), 'late joiner has everything')
      }
    })

    it('an instance that loads the document while the others write misses nothing', async () => {
      await open()
      // Writers on instances 0 and 1 only; instance 2 loads and unloads the room meanwhile.
      clients.push(...(await connectSpread(servers.slice(0, 2), 'midload', 4)))
      const writing = editConcurrently(clients, 40, 5, { pauseMs: 25 })
      for (let i = 0; i < 4; i++) {
        const late = await connectSynced(servers[2]!.wsUrl, 'midload')
        await new Promise((resolve) => setTimeout(resolve, 60))
        late.destroy()
        // ROOM_UNLOAD_DELAY_MS is 50 in tests: let the room go, so the next join loads it again.
        await waitFor(() => !servers[2]!.server.context.registry.get('midload'), 'room unloaded on instance 2')
      }
      await writing
      const last = await connectSynced(servers[2]!.wsUrl, 'midload')
      clients.push(last)
      await waitFor(() => converged(clients, servers, 'midload'), `convergence (${describeDivergence(clients)})`, 15_000)
    })

    it('carets cross instances, leave with their client, and vanish when their instance dies', async () => {
      await open()
      clients.push(...(await connectSpread(servers, 'presence', 3)))
      const [a, b, c] = clients as [TestClient, TestClient, TestClient]
      a.provider.awareness.setLocalStateField('user', { name: 'Ada' })
      c.provider.awareness.setLocalStateField('user', { name: 'Cy' })
      const sees = (who: TestClient, whom: TestClient) => who.provider.awareness.getStates().has(whom.doc.clientID)
      await waitFor(() => sees(b, a) && sees(c, a) && sees(a, c) && sees(b, c), 'carets on every instance')
      // A client leaving: its caret goes everywhere.
      a.destroy()
      await waitFor(() => !sees(b, a) && !sees(c, a), 'caret of a departed client gone')
      // Instance 2 dies without a word (its bus just stops): Cy's caret goes.
      await servers[2]!.server.context.bus!.close()
      const died = Date.now()
      await waitFor(() => !sees(b, c), 'caret of a dead instance gone', 10_000)
      expect(Date.now() - died).toBeLessThan(5000)
    })
  })
}

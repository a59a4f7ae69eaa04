/**
 * The rules that hold across three instances on one PostgreSQL database:
 * revoking a token closes its sockets on every instance, deleting a
 * document closes its sockets everywhere (4410) and unloads it, and
 * MAX_CONNECTIONS_PER_DOC counts the sockets of all instances. The control
 * channel can lose messages, so the same revocation and deletion are also
 * shown with every bus message dropped (the periodic store re-check catches
 * them), and a revocation sent while a real Redis is down takes effect when
 * it reconnects.
 */
import type WebSocket from 'ws'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { connectRedisBus, createMemoryHub, type Bus } from '../../server/bus/index.ts'
import type { ClusterTimings } from '../../server/collab/cluster.ts'
import { CloseCode } from '../../shared/closeCodes.ts'
import { appendParagraph, connectSynced, type TestClient } from '../support/clients.ts'
import { withFaults } from '../support/faultyBus.ts'
import { announcePostgresSkip, startPostgres, type TestPostgres } from '../support/postgresServer.ts'
import { announceRedisSkip, startRedis, type RedisServer } from '../support/redisServer.ts'
import type { TestServer } from '../support/servers.ts'
import { sleep, waitFor } from '../support/wait.ts'
import { call, closeOf, closeSocket, nextClose, openAdmitted, SECRET, tokenFor } from '../security/helpers.ts'
import { startInstances } from './instances.ts'

const skip = announcePostgresSkip('tests/scale/clusterRules.test.ts')
const skipRedis = skip || announceRedisSkip('tests/scale/clusterRules.test.ts (Redis restart)')

let pg: TestPostgres
let redis: RedisServer | null = null
let databases = 0
let servers: TestServer[] = []
let clients: TestClient[] = []
const sockets: WebSocket[] = []

beforeAll(async () => {
  if (!skip) pg = await startPostgres({ fsync: false })
  if (!skipRedis) redis = await startRedis()
})
afterAll(async () => {
  await redis?.cleanup()
  await pg?.cleanup()
})
afterEach(async () => {
  for (const c of clients) c.destroy()
  await Promise.all(sockets.splice(0).map(closeSocket))
  await Promise.all(servers.map((s) => s.close()))
  clients = []
  servers = []
})

/** Three instances; `lossy`: every bus message is lost, so only the store re-check can tell. */
async function cluster(opts: { lossy?: boolean; timings?: Partial<ClusterTimings>; env?: Record<string, string>; bus?: () => Promise<Bus> } = {}): Promise<TestServer[]> {
  const url = await pg.createDatabase(`rules_${++databases}`)
  const hub = createMemoryHub()
  const memoryBus = (i: number) => (opts.lossy ? withFaults(hub.connect(), { seed: i, control: true, drop: 1 }) : hub.connect())
  servers = await startInstances(3, url, opts.bus ?? memoryBus, {
    env: { AUTH_SECRET: SECRET, ...opts.env },
    clusterTimings: { heartbeatMs: 200, peerTimeoutMs: 1000, ...opts.timings },
  })
  return servers
}

async function client(server: TestServer, docId: string, token: string): Promise<TestClient> {
  const c = await connectSynced(server.wsUrl, docId, { params: { token } })
  clients.push(c)
  return c
}

/** A client's edit is stored (its instance's room applied a stored seq), so the document has a record. */
async function storeOneEdit(server: TestServer, c: TestClient, docId: string): Promise<void> {
  appendParagraph(c.doc, 'kept')
  await waitFor(() => (server.server.context.registry.get(docId)?.busLink?.watermark ?? 0) > 0, 'the edit stored')
}

describe.skipIf(skip)('cluster-wide rules', () => {
  it('revoking a token on one instance closes its sockets on the others (4401)', async () => {
    const [a, b, c] = await cluster({ timings: { recheckMs: 60_000 } })
    const owner = await tokenFor('r1', 'owner')
    const shared = await tokenFor('r1', 'editor')
    const onB = await client(b!, 'r1', shared)
    const onC = await client(c!, 'r1', shared)
    const other = await client(c!, 'r1', await tokenFor('r1', 'editor'))
    const closes = Promise.all([nextClose(onB), nextClose(onC)])
    const reply = await call(a!.url, '/api/tokens/revoke', { token: owner, body: { token: shared } })
    expect(reply.status).toBe(200)
    expect(await closes).toEqual([CloseCode.Unauthorized, CloseCode.Unauthorized])
    // Another token's socket stays, and the revoked one cannot come back anywhere.
    expect(other.provider.wsconnected).toBe(true)
    for (const s of servers) expect((await closeOf(`${s.wsUrl}/r1?token=${shared}`)).code).toBe(CloseCode.Unauthorized)
  })

  it('deleting a document on one instance closes its sockets everywhere (4410) and unloads it', async () => {
    const [a, b, c] = await cluster({ timings: { recheckMs: 60_000 } })
    const owner = await tokenFor('d1', 'owner')
    const onB = await client(b!, 'd1', owner)
    const onC = await client(c!, 'd1', owner)
    await storeOneEdit(b!, onB, 'd1')
    const closes = Promise.all([nextClose(onB), nextClose(onC)])
    expect((await call(a!.url, '/api/docs/d1', { method: 'DELETE', token: owner })).status).toBe(204)
    expect(await closes).toEqual([CloseCode.DocumentDeleted, CloseCode.DocumentDeleted])
    await waitFor(() => servers.every((s) => !s.server.context.registry.get('d1')), 'd1 unloaded everywhere')
  })

  it('with every bus message lost, the store re-check still closes a revoked token and a deleted document', async () => {
    const [a, b, c] = await cluster({ lossy: true, timings: { recheckMs: 300 } })
    const owner = await tokenFor('lost', 'owner')
    const revoked = await tokenFor('lost', 'editor')
    const withRevoked = await client(b!, 'lost', revoked)
    const onC = await client(c!, 'lost', owner)
    await storeOneEdit(c!, onC, 'lost')
    const revokedClose = nextClose(withRevoked)
    expect((await call(a!.url, '/api/tokens/revoke', { token: owner, body: { token: revoked } })).status).toBe(200)
    expect(await revokedClose).toBe(CloseCode.Unauthorized)

    const deletedClose = nextClose(onC)
    expect((await call(a!.url, '/api/docs/lost', { method: 'DELETE', token: owner })).status).toBe(204)
    expect(await deletedClose).toBe(CloseCode.DocumentDeleted)
    await waitFor(() => !c!.server.context.registry.get('lost'), 'unloaded on C')
  })

  it('MAX_CONNECTIONS_PER_DOC counts the sockets of every instance', async () => {
    await cluster({ env: { MAX_CONNECTIONS_PER_DOC: '3' } })
    const token = await tokenFor('*', 'editor')
    const url = (i: number) => `${servers[i]!.wsUrl}/full?token=${token}`
    for (let i = 0; i < 3; i++) sockets.push(await openAdmitted(url(i)))
    // The counts travel within a debounce and a bus hop.
    await sleep(300)
    for (let i = 0; i < 3; i++) expect((await closeOf(url(i))).code).toBe(CloseCode.TooManyConnections)
    // Another document is not affected.
    sockets.push(await openAdmitted(`${servers[0]!.wsUrl}/other?token=${token}`))
    // A place freed on A can be taken on C.
    await closeSocket(sockets.shift()!)
    await waitFor(async () => {
      try {
        sockets.push(await openAdmitted(url(2)))
        return true
      } catch {
        return false
      }
    }, 'a place freed on A admitted on C', 3000, 100)
    await sleep(300)
    expect((await closeOf(url(1))).code).toBe(CloseCode.TooManyConnections)
  })
})

describe.skipIf(skipRedis)('cluster-wide rules over a real Redis that restarts', () => {
  it('a revocation published while Redis was down closes the sockets once it reconnects', async () => {
    const [a, b] = await cluster({ timings: { recheckMs: 60_000 }, bus: () => connectRedisBus({ url: redis!.url, channelPrefix: `rules${databases + 1}:`, maxRetryDelayMs: 200 }) })
    const owner = await tokenFor('rr', 'owner')
    const revoked = await tokenFor('rr', 'editor')
    const onB = await client(b!, 'rr', revoked)
    await redis!.kill()
    await waitFor(() => servers.every((s) => s.server.context.bus!.status() === 'down'), 'every bus down')
    expect((await call(a!.url, '/api/tokens/revoke', { token: owner, body: { token: revoked } })).status).toBe(200)
    // The message was lost with Redis: B's socket is still open.
    await sleep(300)
    expect(onB.provider.wsconnected).toBe(true)
    const closed = nextClose(onB)
    await redis!.start()
    expect(await closed).toBe(CloseCode.Unauthorized)
  })
})

/**
 * PostgreSQL stopped and started under three instances on one Redis: while
 * it is down /api/health says so (503) on every instance, writing or not,
 * and each instance refuses the writes it cannot store (4501); nobody
 * on another instance sees an edit that is not stored; once PostgreSQL is
 * back, service resumes with no restart and no manual step, and every edit
 * (those acknowledged before the stop, and those the clients kept and
 * resent) is stored and on every client.
 */
import { describe, expect, it } from 'vitest'
import { connectRedisBus } from '../../server/bus/index.ts'
import type { HealthResponse } from '../../shared/apiTypes.ts'
import { CloseCode } from '../../shared/closeCodes.ts'
import { fragmentText, type TestClient } from '../support/clients.ts'
import { announcePostgresSkip } from '../support/postgresServer.ts'
import { announceRedisSkip } from '../support/redisServer.ts'
import type { TestServer } from '../support/servers.ts'
import { sleep, waitFor } from '../support/wait.ts'
import { DOC_FIELD } from '../../shared/editorSchema.ts'
import { connectSpread, converged, describeDivergence, editConcurrently, startInstances, storedDoc, useServices } from './instances.ts'

const skip = announcePostgresSkip('tests/scale/postgresOutage.test.ts') || announceRedisSkip('tests/scale/postgresOutage.test.ts')

async function health(server: TestServer): Promise<{ status: number; body: HealthResponse }> {
  const res = await fetch(`${server.url}/api/health`)
  return { status: res.status, body: (await res.json()) as HealthResponse }
}

describe.skipIf(skip)('PostgreSQL stopped and started under three instances', () => {
  let servers: TestServer[] = []
  let clients: TestClient[] = []
  const services = useServices(() => ({ servers, clients }))

  it('refuses writes with 4501 and says so, then resumes by itself with nothing lost', async () => {
    const docId = 'pg-outage'
    const url = await services.pg.createDatabase('outage')
    servers = await startInstances(3, url, () => connectRedisBus({ url: services.redis.url, maxRetryDelayMs: 200 }))
    clients = await connectSpread(servers, docId, 6)
    const before = await editConcurrently(clients, 3, 1, { insertOnly: true, tag: 'before' })
    await waitFor(() => converged(clients, servers, docId), `convergence before the stop (${describeDivergence(clients)})`)

    const closes: number[] = []
    for (const c of clients) c.provider.on('connection-close', (e: CloseEvent | null) => closes.push(e?.code ?? 0))
    await services.pg.stop()
    // Before anyone writes: the store does not answer, and health says so.
    for (const h of await Promise.all(servers.map(health))) expect(h).toMatchObject({ status: 503, body: { status: 'degraded', storage: { ok: false } } })
    const during: string[] = []
    // Each client keeps typing: the first write of a room is held and
    // retried, later ones are refused; the clients keep them all.
    for (let burst = 0; burst < 4; burst++) {
      during.push(...(await editConcurrently(clients, 1, 100 + burst, { insertOnly: true, tag: `down${burst}c` })))
      await sleep(150)
    }
    await waitFor(() => closes.includes(CloseCode.StorageUnavailable), 'a write refused with 4501')
    const degraded = await Promise.all(servers.map(health))
    for (const h of degraded) {
      expect(h.status).toBe(503)
      expect(h.body).toMatchObject({ status: 'degraded', storage: { ok: false }, bus: 'up' })
    }
    // Stored before anyone sees it: no client has another's unstored word.
    for (const [i, c] of clients.entries()) {
      const text = c.text()
      for (const w of during.filter((w) => authorOf(w) !== i)) expect(text).not.toContain(`${w} `)
    }

    await services.pg.start()
    await waitFor(async () => (await Promise.all(servers.map(health))).every((h) => h.status === 200 && h.body.storage.ok), 'health recovers everywhere', 20_000, 100)
    await waitFor(() => converged(clients, servers, docId), `reconvergence (${describeDivergence(clients)})`, 20_000)
    const text = clients[0]!.text()
    expect([...before, ...during].filter((w) => !text.includes(`${w} `))).toEqual([])
    // And all of it is in PostgreSQL, not only in memory.
    await waitFor(async () => {
      const stored = fragmentText((await storedDoc(servers[0]!, docId)).getXmlFragment(DOC_FIELD))
      return [...before, ...during].every((w) => stored.includes(`${w} `))
    }, 'every edit stored')
    // Writes work again as usual.
    const after = await editConcurrently(clients, 1, 7, { insertOnly: true, tag: 'after' })
    await waitFor(() => converged(clients, servers, docId) && after.every((w) => clients[0]!.text().includes(`${w} `)), 'edits after the outage')
  })
})

/** Words are `<tag><client>x<round>`: the client index that typed it. */
function authorOf(word: string): number {
  return Number(/(\d+)x\d+$/.exec(word)![1])
}

/**
 * Redis killed (SIGKILL) and restarted while clients on three instances
 * keep typing: every instance keeps serving and storing its own clients'
 * edits meanwhile, and once Redis is back all of them reconverge with every
 * edit, with no manual step.
 */
import { describe, expect, it } from 'vitest'
import { connectRedisBus } from '../../server/bus/index.ts'
import type { TestClient } from '../support/clients.ts'
import { announcePostgresSkip } from '../support/postgresServer.ts'
import { announceRedisSkip } from '../support/redisServer.ts'
import type { TestServer } from '../support/servers.ts'
import { waitFor } from '../support/wait.ts'
import { connectSpread, converged, describeDivergence, editConcurrently, startInstances, useServices } from './instances.ts'

const skip = announcePostgresSkip('tests/scale/redisRestart.test.ts') || announceRedisSkip('tests/scale/redisRestart.test.ts')

describe.skipIf(skip)('Redis killed and restarted mid-edit', () => {
  let servers: TestServer[] = []
  let clients: TestClient[] = []
  const services = useServices(() => ({ servers, clients }))

  it('clients on different instances reconverge with every edit', async () => {
    const url = await services.pg.createDatabase('restart')
    servers = await startInstances(3, url, () => connectRedisBus({ url: services.redis.url, maxRetryDelayMs: 200 }))
    clients = await connectSpread(servers, 'outage', 6)
    const typed: string[] = []
    const editing = (async () => {
      for (let burst = 0; burst < 8; burst++) {
        typed.push(...(await editConcurrently(clients, 3, burst, { insertOnly: true, tag: `b${burst}`, pauseMs: 40 })))
        await new Promise((resolve) => setTimeout(resolve, 120))
      }
    })()
    await new Promise((resolve) => setTimeout(resolve, 300))
    await services.redis.kill()
    await waitFor(() => servers.every((s) => s.server.context.bus!.status() === 'down'), 'every bus down')
    // Health: the bus is down, yet the instance serves (200).
    const health = await fetch(`${servers[0]!.url}/api/health`)
    expect(health.status).toBe(200)
    expect(((await health.json()) as { bus: string }).bus).toBe('down')
    await new Promise((resolve) => setTimeout(resolve, 500))
    await services.redis.start()
    await editing
    await waitFor(() => servers.every((s) => s.server.context.bus!.status() === 'up'), 'every bus up again')
    await waitFor(() => converged(clients, servers, 'outage'), `reconvergence (${describeDivergence(clients)})`, 15_000)
    const text = clients[0]!.text()
    const lost = typed.filter((w) => !text.includes(`${w} `))
    expect(lost).toEqual([])
  })

  it('each instance reports the relay latency it measures on its own heartbeat through Redis', async () => {
    const url = await services.pg.createDatabase('relay')
    servers = await startInstances(2, url, () => connectRedisBus({ url: services.redis.url, maxRetryDelayMs: 200 }))
    const relayCount = async (server: TestServer) => {
      const text = await (await fetch(`${server.url}/metrics`)).text()
      return Number(/^quill_bus_relay_seconds_count (\d+)/m.exec(text)?.[1] ?? 'NaN')
    }
    // Each instance sends a heartbeat as it starts; Redis brings it back.
    for (const server of servers) await waitFor(async () => (await relayCount(server)) >= 1, 'a relay time in /metrics')
  })
})

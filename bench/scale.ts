/**
 * Several instances (issue 11): what PostgreSQL and the Redis bus cost.
 *
 *   fan-out     one document, clients spread over ONE instance or THREE
 *               (client k on instance k mod n; PostgreSQL in both, Redis
 *               between the three), 5 writers at 10 inserts/s. The probe sits
 *               on the last instance. CPU per delivered update is given for
 *               the instances and for PostgreSQL + Redis, which share the
 *               same two cores.
 *   store       CPU per stored update and commit latency of the store itself
 *               (in a worker process): SQLite NORMAL and FULL against
 *               PostgreSQL with fsync on; one room alone, and many rooms in
 *               the same turn (group commit).
 *   redis       three instances, writers on each; redis-server is SIGKILLed
 *               while they type and started again after they stop; the time
 *               from its restart until every client holds the same document
 *               with every marker.
 */
import fs from 'node:fs'
import path from 'node:path'
import { recordProfile, type Benchmark, type BenchContext } from './lib/bench.ts'
import { sleep, nowUs } from './lib/clock.ts'
import { cpuOf, servicePids, startCluster, startServices, type Services } from './lib/cluster.ts'
import type { ClientSpec, CollabApi, WriterPlan } from './lib/collabApi.ts'
import { closeWorkers, LOAD_GENERATOR_NICE, startWorkers } from './lib/ipc.ts'
import { RESULTS_DIR, type Cell, type Table } from './lib/report.ts'
import { benchTempDir } from './lib/server.ts'
import { distribution, round } from './lib/stats.ts'
import type { StoreApi, StoreKind } from './lib/storeApi.ts'
import { COLLAB_WORKER, countConverged, typingRun, type TypingRunResult } from './lib/typingRun.ts'
import { FANOUT_RATE, FANOUT_WRITERS } from './fanout.ts'

const STORE_WORKER = path.resolve(import.meta.dirname, 'workers/store.ts')

interface ScaleSettings {
  fanout: { clients: number; durationS: number }
  store: { serial: number; rooms: number; turns: number }
  redis: { rounds: number; typingS: number; downAfterS: number; clients: number }
}

const FULL: ScaleSettings = {
  fanout: { clients: 60, durationS: 15 },
  store: { serial: 2000, rooms: 500, turns: 10 },
  redis: { rounds: 3, typingS: 4, downAfterS: 1, clients: 6 },
}
const QUICK: ScaleSettings = {
  fanout: { clients: 12, durationS: 3 },
  store: { serial: 200, rooms: 100, turns: 3 },
  redis: { rounds: 1, typingS: 2, downAfterS: 0.5, clients: 6 },
}

async function fanoutAcross(ctx: BenchContext, services: Services, s: ScaleSettings, instances: number): Promise<TypingRunResult> {
  const label = (i: number) => `${instances}-instances-i${i}`
  const dir = (i: number) => path.join(RESULTS_DIR, 'profiles', ctx.name, label(i))
  const cluster = await startCluster(services, { instances, redis: instances > 1, ...(ctx.profile ? { profileDir: dir } : {}) })
  const firstPhase = ctx.phases.length
  try {
    return await typingRun({
      server: cluster.servers[0]!,
      instances: cluster.servers,
      serviceCpuMs: cluster.serviceCpuMs,
      docs: 1,
      clientsPerDoc: s.fanout.clients,
      writersPerDoc: FANOUT_WRITERS,
      rate: FANOUT_RATE,
      durationS: s.fanout.durationS,
      workers: 4,
      connectConcurrency: 25,
      docPrefix: `scale${instances}`,
      phases: ctx.phases,
      probe: true,
    })
  } finally {
    await cluster.stop()
    // Every instance does the same work here; the first one's profile stands for all.
    if (ctx.profile) recordProfile(ctx, label(0), dir(0), ctx.phases.slice(firstPhase))
  }
}

function fanoutRow(instances: number, r: TypingRunResult): Cell[] {
  const delivered = r.delivered + (r.probeMs?.count ?? 0)
  const svcUs = r.servicesTypingCpuMs === null ? Number.NaN : (r.servicesTypingCpuMs * 1000) / delivered
  return [
    instances,
    r.clients,
    r.inserts,
    round(r.latencyMs.p50, 2),
    round(r.latencyMs.p99, 2),
    round(r.latencyMs.max, 1),
    r.probeMs ? round(r.probeMs.p50, 2) : null,
    r.probeMs ? round(r.probeMs.p99, 2) : null,
    round(r.server.typing.cpuShare * 100, 1),
    round(r.serverCpuPerDeliveredUs, 1),
    round(svcUs, 1),
    round(r.serverCpuPerDeliveredUs + svcUs, 1),
    round(((r.servicesTypingCpuMs ?? 0) * 1000) / r.inserts, 0),
    r.converged && r.missing === 0 ? 'yes' : `NO (${r.missing} missing)`,
  ]
}

interface StoreRun {
  store: string
  serialLatencyUs: ReturnType<typeof distribution>
  serialCpuUs: number
  serialServiceCpuUs: number
  roomsTurnUs: ReturnType<typeof distribution>
  roomsCpuUs: number
  roomsServiceCpuUs: number
}

async function storeCosts(ctx: BenchContext, { pg }: Services, s: ScaleSettings): Promise<StoreRun[]> {
  const [worker] = await startWorkers<StoreApi>(STORE_WORKER, 1)
  const w = worker!
  const runs: StoreRun[] = []
  const sqliteDir = benchTempDir('store')
  try {
    const kinds: [string, StoreKind][] = [
      ['SQLite NORMAL', { kind: 'sqlite', dataDir: path.join(sqliteDir, 'normal'), synchronous: 'NORMAL' }],
      ['SQLite FULL', { kind: 'sqlite', dataDir: path.join(sqliteDir, 'full'), synchronous: 'FULL' }],
      ['PostgreSQL (fsync on)', { kind: 'postgres', url: await pg.createDatabase('storecost') }],
    ]
    const pgCpu = () => servicePids(pg, null).reduce((n, pid) => n + cpuOf(pid), 0)
    for (const [label, kind] of kinds) {
      ctx.log(`  store: ${label}`)
      await w.call('open', kind)
      const p0 = pgCpu()
      const serial = await w.call('serial', { docId: `serial-${runs.length}`, count: s.store.serial })
      const p1 = pgCpu()
      const rooms = await w.call('rooms', { prefix: `rooms-${runs.length}`, rooms: s.store.rooms, turns: s.store.turns })
      const p2 = pgCpu()
      await w.call('close', null)
      const roomUpdates = s.store.rooms * s.store.turns
      // SQLite runs inside the worker: its "service" CPU is PostgreSQL idling (background writers), shown for fairness.
      runs.push({
        store: label,
        serialLatencyUs: distribution(serial.latenciesUs),
        serialCpuUs: serial.cpuUs / s.store.serial,
        serialServiceCpuUs: ((p1 - p0) * 1000) / s.store.serial,
        roomsTurnUs: distribution(rooms.latenciesUs),
        roomsCpuUs: rooms.cpuUs / roomUpdates,
        roomsServiceCpuUs: ((p2 - p1) * 1000) / roomUpdates,
      })
    }
  } finally {
    await closeWorkers([w])
    fs.rmSync(sqliteDir, { recursive: true, force: true })
  }
  return runs
}

interface RedisRound {
  round: number
  downMs: number
  inserts: number
  busUpMs: number
  reconvergedMs: number
  lostMarkers: number
}

/** Time from redis-server's restart until every client holds the same document with every marker. */
async function redisRestart(ctx: BenchContext, services: Services, s: ScaleSettings): Promise<RedisRound[]> {
  const cluster = await startCluster(services, { instances: 3, redis: true })
  const n = cluster.servers.length
  const workers = await startWorkers<CollabApi>(COLLAB_WORKER, 2, { nice: LOAD_GENERATOR_NICE })
  const rounds: RedisRound[] = []
  try {
    for (let index = 0; index < s.redis.rounds; index++) {
      const docId = `restart-${index}`
      const specs: ClientSpec[] = Array.from({ length: s.redis.clients }, (_, key) => ({ key, docId }))
      const home = (key: number) => workers[key % workers.length]!
      // Client k on instance k mod 3, in worker k mod 2.
      for (const [i, w] of workers.entries()) {
        for (const [j, inst] of cluster.servers.entries()) {
          const mine = specs.filter((c) => c.key % workers.length === i && c.key % n === j)
          if (mine.length > 0) await w.call('open', { wsUrl: inst.wsUrl, clients: mine, observe: 'markers', concurrency: 4, timeoutMs: 30_000 })
        }
      }
      const writers = n // one on each instance: keys 0, 1, 2
      await home(0).call('seed', { key: 0, paragraphs: writers, text: '' })
      await Promise.all(workers.map((w) => w.call('waitBlocks', { paragraphs: writers, timeoutMs: 30_000 })))
      const count = Math.round(FANOUT_RATE * s.redis.typingS)
      const startAtUs = nowUs() + 200_000
      const plans = Array.from({ length: writers }, (_, key): WriterPlan => ({ key, paragraph: key, count, intervalMs: 1000 / FANOUT_RATE, startAtUs: startAtUs + (key * 1e5) / writers }))
      const typing = Promise.all(workers.map((w, i) => w.call('type', { writers: plans.filter((p) => p.key % workers.length === i) })))
      await sleep(200 + s.redis.downAfterS * 1000)
      const killedUs = nowUs()
      await cluster.redis!.kill()
      const typed = await typing
      const restartedUs = nowUs()
      await cluster.redis!.start()
      const busUp = (async () => {
        const until = nowUs() + 60e6
        while (nowUs() < until) {
          const up = await Promise.all(cluster.servers.map(async (sv) => (await sv.health()).bus === 'up'))
          if (up.every(Boolean)) return nowUs()
          await sleep(20)
        }
        return Number.NaN
      })()
      const expected = (key: number) => writers * count - (key < writers ? count : 0)
      let lost = 0
      let convergedUs = Number.NaN
      const deadline = nowUs() + 60e6
      while (nowUs() < deadline) {
        const reports = (await Promise.all(workers.map((w) => w.call('collect', null)))).flat()
        lost = reports.reduce((m, r) => m + Math.max(0, expected(r.key) - r.observed), 0)
        if (lost === 0 && countConverged(reports) === 1) {
          convergedUs = nowUs()
          break
        }
        await sleep(20)
      }
      const busUpUs = await busUp
      const r: RedisRound = {
        round: index,
        downMs: (restartedUs - killedUs) / 1000,
        inserts: typed.reduce((m, t) => m + t.inserts, 0),
        busUpMs: (busUpUs - restartedUs) / 1000,
        reconvergedMs: (convergedUs - restartedUs) / 1000,
        lostMarkers: lost,
      }
      ctx.log(`  redis round ${index}: down ${round(r.downMs, 0)} ms, bus up after ${round(r.busUpMs, 0)} ms, reconverged after ${round(r.reconvergedMs, 0)} ms, ${lost} missing`)
      rounds.push(r)
      await Promise.all(workers.map((w) => w.call('close', null)))
    }
  } finally {
    await Promise.all(workers.map((w) => w.call('close', null).catch(() => null)))
    await closeWorkers(workers)
    await cluster.stop()
  }
  return rounds
}

export const scale: Benchmark = {
  name: 'scale',
  title: 'Several instances: fan-out on 1 vs 3 instances, PostgreSQL vs SQLite per update, reconvergence after a Redis restart',
  async run(ctx) {
    const s = ctx.quick ? QUICK : FULL
    const fan: { instances: number; result: TypingRunResult }[] = []
    const t0 = Date.now()
    const at = () => `${((Date.now() - t0) / 1000).toFixed(1)} s`
    const services = await startServices()
    ctx.log(`  PostgreSQL and Redis up (${at()})`)
    let store: StoreRun[]
    let redis: RedisRound[]
    try {
      for (const instances of [1, 3]) {
        ctx.log(`  fan-out: ${s.fanout.clients} clients on ${instances} instance(s), ${s.fanout.durationS} s`)
        const result = await fanoutAcross(ctx, services, s, instances)
        ctx.log(`    p99 ${round(result.latencyMs.p99, 2)} ms, probe p99 ${round(result.probeMs?.p99 ?? Number.NaN, 2)} ms, ${round(result.serverCpuPerDeliveredUs, 1)} µs/update`)
        fan.push({ instances, result })
      }
      ctx.log(`  fan-out done (${at()})`)
      store = await storeCosts(ctx, services, s)
      ctx.log(`  store done (${at()})`)
      // Last: it kills and restarts the shared Redis.
      redis = await redisRestart(ctx, services, s)
    } finally {
      await services.stop()
    }

    const tables: Table[] = [
      {
        title: `Fan-out on PostgreSQL, one document, ${s.fanout.clients} clients spread over the instances, ${FANOUT_WRITERS} writers × ${FANOUT_RATE}/s`,
        columns: ['instances', 'clients', 'inserts', 'p50 ms', 'p99 ms', 'max ms', 'probe p50 ms', 'probe p99 ms', 'instances CPU %', 'instances CPU/update µs', 'PostgreSQL+Redis CPU/update µs', 'total CPU/update µs', 'PostgreSQL+Redis CPU/insert µs', 'converged'],
        rows: fan.map((f) => fanoutRow(f.instances, f.result)),
      },
      {
        title: `Store cost per update (worker process; one room: ${s.store.serial} appends awaited one by one; many rooms: ${s.store.rooms} rooms × ${s.store.turns} turns)`,
        columns: ['store', 'one room: commit p50 µs', 'p99 µs', 'store-process CPU/update µs', 'PostgreSQL CPU/update µs', 'many rooms: turn p50 ms', 'turn p99 ms', 'store-process CPU/update µs', 'PostgreSQL CPU/update µs'],
        rows: store.map((r) => [
          r.store,
          round(r.serialLatencyUs.p50, 0),
          round(r.serialLatencyUs.p99, 0),
          round(r.serialCpuUs, 1),
          round(r.serialServiceCpuUs, 1),
          round(r.roomsTurnUs.p50 / 1000, 2),
          round(r.roomsTurnUs.p99 / 1000, 2),
          round(r.roomsCpuUs, 1),
          round(r.roomsServiceCpuUs, 1),
        ]),
      },
      {
        title: 'Redis SIGKILLed while writers on 3 instances type, restarted after they stop',
        columns: ['round', 'Redis down ms', 'inserts', 'every bus up after ms', 'all clients converged after ms', 'missing markers'],
        rows: redis.map((r) => [r.round, round(r.downMs, 0), r.inserts, round(r.busUpMs, 0), round(r.reconvergedMs, 0), r.lostMarkers]),
      },
    ]
    const notes: string[] = []
    for (const f of fan) if (!f.result.converged || f.result.missing > 0) notes.push(`${f.instances} instance(s): NOT converged (${f.result.missing} missing)`)
    for (const r of redis) if (!Number.isFinite(r.reconvergedMs)) notes.push(`redis round ${r.round}: did NOT reconverge within 60 s (${r.lostMarkers} markers missing)`)
    return { tables, data: { settings: s, fanout: fan, store, redis }, notes }
  },
}

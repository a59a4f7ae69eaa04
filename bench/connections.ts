/**
 * Connections: 10,000 mostly idle connections over 1,000 documents, held by
 * one server process. Reports the time to connect and sync them all, the
 * server's CPU and RSS per connection, and failures and drops while they are
 * held through a ping round and awareness renewals.
 *
 * The sockets are raw y-websocket clients (bench/workers/idle.ts), spread
 * over worker processes so no process needs more than a few thousand file
 * descriptors. Memory is measured for the compiled server (as `npm start`
 * runs it), the same source under tsx, and the compiled server with a small
 * young generation (see lib/variants.ts).
 */
import { sleep } from './lib/clock.ts'
import type { Benchmark, BenchContext } from './lib/bench.ts'
import { withServer } from './lib/bench.ts'
import type { IdleApi, IdleOpenResult, IdleStatus } from './lib/idleApi.ts'
import { closeWorkers, LOAD_GENERATOR_NICE, spread, startWorkers } from './lib/ipc.ts'
import { openFileLimit, phaseCost, sampleMany, type PhaseCost, type ProcSample } from './lib/proc.ts'
import { verdict, type Table } from './lib/report.ts'
import { msDistribution, round, type Distribution } from './lib/stats.ts'
import { DEFAULT_VARIANT, MEMORY_VARIANTS, TSX_VARIANT, type ServerVariant } from './lib/variants.ts'
import { IDLE_WORKER } from './lib/typingRun.ts'
import type { HealthResponse } from '../shared/apiTypes.ts'

const WORKERS = 4
const PING_INTERVAL_MS = 30_000
const AWARENESS_RENEW_MS = 15_000

interface Workload {
  connections: number
  docs: number
  holdS: number
}

interface HoldResult {
  variant: string
  /** From spawn to the server's READY line. */
  readyMs: number
  synced: number
  failed: number
  drops: number
  stillOpen: number
  connect: PhaseCost
  hold: PhaseCost
  cpuPerConnMs: number
  /** Over the connections: RSS 2 s after connecting, and at the end of the hold, minus the baseline. */
  rssPerConnKiB: number
  rssPerConnHeldKiB: number
  perSocketMs: Distribution
  loadGenerator: PhaseCost
  server: { baseline: ProcSample; connected: ProcSample; settled: ProcSample; held: ProcSample; fdLimit: number }
  health: { connected: HealthResponse; afterHold: HealthResponse }
  closeCodes: Record<string, number>[]
  errors: string[]
}

export const connections: Benchmark = {
  name: 'connections',
  title: 'Connections: 10,000 mostly idle connections over 1,000 documents',
  async run(ctx) {
    const w: Workload = ctx.quick ? { connections: 500, docs: 50, holdS: 3 } : { connections: 10_000, docs: 1000, holdS: 40 }
    const fdLimit = openFileLimit()
    // The server holds every socket; each worker a quarter of them.
    if (fdLimit < w.connections + 200) {
      throw new Error(`open file limit ${fdLimit} is below ${w.connections + 200}: raise it (ulimit -n) before running this benchmark`)
    }
    const results: HoldResult[] = []
    for (const variant of ctx.quick ? [DEFAULT_VARIANT, TSX_VARIANT] : MEMORY_VARIANTS) {
      ctx.log(`  ${w.connections} connections, server ${variant.label}`)
      const r = await holdConnections(ctx, w, variant)
      ctx.log(`    ${r.synced} synced, ${r.failed} failed, ${r.drops} drops; ${round(r.rssPerConnKiB, 2)} KiB and ${round(r.cpuPerConnMs, 3)} ms per connection`)
      results.push(r)
    }
    const table: Table = {
      title: `Connections (${w.connections} raw y-websocket clients over ${w.docs} documents, ${WORKERS} client processes)`,
      columns: [
        'server',
        'start-up ms',
        'connections',
        'synced',
        'failed',
        'drops',
        'connect+sync all s',
        'per socket p50 ms',
        'p99 ms',
        'server CPU s',
        'CPU/conn ms',
        'RSS base MiB',
        'RSS connected MiB',
        'RSS/conn KiB',
        `RSS/conn after ${w.holdS} s KiB`,
        `hold ${w.holdS} s CPU %`,
        'load-gen CPU s',
      ],
      rows: results.map((r) => [
        r.variant,
        round(r.readyMs, 0),
        w.connections,
        r.synced,
        r.failed,
        r.drops,
        round(r.connect.wallMs / 1000, 2),
        round(r.perSocketMs.p50, 1),
        round(r.perSocketMs.p99, 1),
        round(r.connect.cpuMs / 1000, 2),
        round(r.cpuPerConnMs, 3),
        round(r.server.baseline.rssKiB / 1024, 1),
        round(r.server.settled.rssKiB / 1024, 1),
        round(r.rssPerConnKiB, 2),
        round(r.rssPerConnHeldKiB, 2),
        round(r.hold.cpuShare * 100, 1),
        round(r.loadGenerator.cpuMs / 1000, 2),
      ]),
    }
    const base = results[0]!
    // RSS moves with GC timing; the target is judged on the larger of the two readings.
    const rssPerConn = Math.max(base.rssPerConnKiB, base.rssPerConnHeldKiB)
    const notes = [
      `target 10,000 connections RSS per connection ≤ 6 KiB (${base.variant}, larger of the two readings): ${round(rssPerConn, 2)} KiB (${verdict(rssPerConn, 6)}); failures ${base.failed}, drops ${base.drops} (${base.failed === 0 && base.drops === 0 ? 'pass' : 'MISS'})`,
      `target CPU per connection ≤ 0.2 ms: ${round(base.cpuPerConnMs, 3)} ms (${verdict(base.cpuPerConnMs, 0.2)})`,
    ]
    for (const r of results) {
      notes.push(
        `${r.variant}: server saw ${r.health.connected.connections} connections in ${r.health.connected.rooms} rooms after connecting, ${r.health.afterHold.connections} after holding; client side ${r.stillOpen} still open; open file limit: coordinator ${fdLimit}, server ${r.server.fdLimit}`,
      )
      if (r.errors.length > 0) notes.push(`${r.variant}: first failures: ${r.errors.join('; ')}`)
    }
    return { tables: [table], data: { workload: { ...w, workers: WORKERS, pingIntervalMs: PING_INTERVAL_MS, awarenessRenewMs: AWARENESS_RENEW_MS }, results }, notes }
  },
}

async function holdConnections(ctx: BenchContext, w: Workload, variant: ServerVariant): Promise<HoldResult> {
  const docIds = Array.from({ length: w.connections }, (_, i) => `conn-${i % w.docs}`)
  const env = { PING_INTERVAL_MS: String(PING_INTERVAL_MS) }
  return withServer(ctx, `${w.connections}-connections-${variant.label}`, { env, build: variant.build, nodeArgs: variant.nodeArgs }, async (server) => {
    const workers = await startWorkers<IdleApi>(IDLE_WORKER, WORKERS, { nice: LOAD_GENERATOR_NICE })
    try {
      const pids = workers.map((h) => h.pid)
      await server.health() // warm the HTTP path so the baseline is a running server
      const baseline = server.sample()
      const lg0 = sampleMany(pids)
      const parts = spread(docIds, WORKERS)
      const opened: IdleOpenResult[] = await Promise.all(
        workers.map((h, i) => h.call('open', { wsUrl: server.wsUrl, docIds: parts[i]!, concurrency: 64, timeoutMs: 60_000, renewAwarenessMs: AWARENESS_RENEW_MS })),
      )
      const connected = server.sample()
      const lg1 = sampleMany(pids)
      await sleep(2000)
      const settled = server.sample()
      const healthConnected = await server.health()
      ctx.log(`    ${healthConnected.connections} connections in ${healthConnected.rooms} rooms; holding ${w.holdS} s`)
      await sleep(w.holdS * 1000)
      const held = server.sample()
      ctx.phases.push({ label: 'connect', fromUs: baseline.atUs, toUs: connected.atUs }, { label: 'hold', fromUs: settled.atUs, toUs: held.atUs })
      const statuses: IdleStatus[] = await Promise.all(workers.map((h) => h.call('status', null)))
      const afterHold = await server.health()
      await Promise.all(workers.map((h) => h.call('close', null)))
      const connect = phaseCost(baseline, connected)
      return {
        variant: variant.label,
        readyMs: server.readyMs,
        synced: opened.reduce((n, o) => n + o.synced, 0),
        failed: opened.reduce((n, o) => n + o.failed, 0),
        drops: statuses.reduce((n, s) => n + s.drops, 0),
        stillOpen: statuses.reduce((n, s) => n + s.open, 0),
        connect,
        hold: phaseCost(settled, held),
        cpuPerConnMs: connect.cpuMs / w.connections,
        rssPerConnKiB: (settled.rssKiB - baseline.rssKiB) / w.connections,
        rssPerConnHeldKiB: (held.rssKiB - baseline.rssKiB) / w.connections,
        perSocketMs: msDistribution(opened.flatMap((o) => o.connectMs).map((ms) => ms * 1000)),
        loadGenerator: phaseCost(lg0, lg1),
        server: { baseline, connected, settled, held, fdLimit: openFileLimit(server.pid) },
        health: { connected: healthConnected, afterHold },
        closeCodes: statuses.map((s) => s.closeCodes),
        errors: opened.flatMap((o) => o.errors).slice(0, 5),
      }
    } finally {
      await closeWorkers(workers)
    }
  })
}

/**
 * The typing workload shared by fan-out, many-rooms and durability: D
 * documents with C real clients each, W writers per document appending
 * timestamped markers at a fixed rate, everybody else observing.
 *
 * Phases, each bracketed by /proc samples of the server and of the workers:
 *   connect  every client connects and syncs (bounded concurrency)
 *   seed     one client per document adds one paragraph per writer
 *   typing   the writers type for the duration; then wait until every
 *            client has observed every other client's markers
 * Afterwards every client reports its state vector and text, which must be
 * identical within a document.
 */
import path from 'node:path'
import { nowUs, sleep } from './clock.ts'
import type { ClientReport, ClientSpec, CollabApi, OpenResult, WriterPlan } from './collabApi.ts'
import type { IdleApi } from './idleApi.ts'
import { closeWorkers, LOAD_GENERATOR_NICE, spread, startWorkers, type WorkerHandle } from './ipc.ts'
import { phaseCost, sampleMany, type PhaseCost } from './proc.ts'
import type { BenchServer } from './server.ts'
import type { Phase } from './bench.ts'
import { concat, msDistribution, type Distribution } from './stats.ts'

export const COLLAB_WORKER = path.resolve(import.meta.dirname, '../workers/collab.ts')
export const IDLE_WORKER = path.resolve(import.meta.dirname, '../workers/idle.ts')

export interface TypingRunOptions {
  server: BenchServer
  docs: number
  clientsPerDoc: number
  writersPerDoc: number
  /** Inserts per second per writer. */
  rate: number
  durationS: number
  workers: number
  /** Handshakes in flight per worker. */
  connectConcurrency: number
  docPrefix: string
  /** Receives the measured phases (for profile windows). */
  phases?: Phase[]
  /** Add one probe connection per document in a process of its own (see workers/idle.ts). */
  probe?: boolean
  /**
   * Several instances of one cluster (`server` among them): client key k
   * connects to instance k mod n, the probe to the last one, and the server
   * figures are the sum over the instances' processes.
   */
  instances?: readonly BenchServer[]
  /** Cumulative CPU ms of the services behind the instances (PostgreSQL, Redis), sampled around the typing phase. */
  serviceCpuMs?: () => number
}

export interface TypingRunResult {
  clients: number
  connect: { synced: number; failed: number; wallMs: number; perClientMs: Distribution }
  inserts: number
  /** Remote markers observed, summed over clients. */
  delivered: number
  missing: number
  deliveredPerS: number
  latencyMs: Distribution
  /** The same, for inserts made after the first 2 s (JIT and GC after the connect burst excluded). */
  latencyAfter2sMs: Distribution
  /**
   * Per insert, the first observer's latency (server work plus one client)
   * and the spread from first to last observer (the server's send loop plus
   * the observers queueing behind each other on the load generator's cores).
   */
  firstObserverMs: Distribution
  observerSpreadMs: Distribution
  server: { baselineRssKiB: number; connect: PhaseCost; typing: PhaseCost; peakRssKiB: number }
  /** CPU ms of the services (PostgreSQL, Redis) in the typing phase, when `serviceCpuMs` was given. */
  servicesTypingCpuMs: number | null
  loadGenerator: { connect: PhaseCost; typing: PhaseCost }
  /** Marker latency at the probe connection (null without a probe). */
  probeMs: Distribution | null
  /** Server CPU in the typing phase over delivered updates (probe deliveries included), and the kernel's part of it. */
  serverCpuPerDeliveredUs: number
  serverSysPerDeliveredUs: number
  convergedDocs: number
  converged: boolean
  drops: number
}

export async function typingRun(o: TypingRunOptions): Promise<TypingRunResult> {
  const specs: ClientSpec[] = []
  for (let d = 0; d < o.docs; d++) for (let c = 0; c < o.clientsPerDoc; c++) specs.push({ key: d * o.clientsPerDoc + c, docId: `${o.docPrefix}-${d}` })
  const nWorkers = Math.max(1, Math.min(o.workers, specs.length))
  const workers = await startWorkers<CollabApi>(COLLAB_WORKER, nWorkers, { nice: LOAD_GENERATOR_NICE })
  const probe = o.probe ? (await startWorkers<IdleApi>(IDLE_WORKER, 1))[0]! : null
  try {
    const byWorker = spread(specs, nWorkers)
    const home = new Map<number, WorkerHandle<CollabApi>>()
    byWorker.forEach((list, i) => list.forEach((s) => home.set(s.key, workers[i]!)))
    const workerPids = workers.map((w) => w.pid)
    const instances = o.instances ?? [o.server]
    const sampleServer = () => (instances.length === 1 ? instances[0]!.sample() : sampleMany(instances.map((s) => s.pid)))
    const probeServer = instances[instances.length - 1]!

    // connect
    const baseline = sampleServer()
    const lg0 = sampleMany(workerPids)
    const opened = (
      await Promise.all(
        workers.map(async (w, i) => {
          const results: OpenResult[] = []
          // One open per instance, one after another: a worker's clients accumulate.
          for (const [n, inst] of instances.entries()) {
            const mine = byWorker[i]!.filter((s) => s.key % instances.length === n)
            if (mine.length > 0) results.push(await w.call('open', { wsUrl: inst.wsUrl, clients: mine, observe: 'markers', concurrency: o.connectConcurrency, timeoutMs: 60_000 }))
          }
          return results
        }),
      )
    ).flat()
    const connected = sampleServer()
    const lg1 = sampleMany(workerPids)
    if (probe) {
      const docIds = Array.from({ length: o.docs }, (_, d) => `${o.docPrefix}-${d}`)
      const p = await probe.call('open', { wsUrl: probeServer.wsUrl, docIds, concurrency: 8, timeoutMs: 60_000, renewAwarenessMs: 15_000, scanMarkers: true })
      if (p.failed > 0) throw new Error(`probe failed to connect: ${p.errors.join('; ')}`)
    }
    // Let the connect burst's garbage settle before the memory figure.
    await sleep(1000)
    const settled = sampleServer()

    // seed: one paragraph per writer, created by the document's first client
    await Promise.all(
      Array.from({ length: o.docs }, (_, d) => home.get(d * o.clientsPerDoc)!.call('seed', { key: d * o.clientsPerDoc, paragraphs: o.writersPerDoc, text: '' })),
    )
    await Promise.all(workers.map((w) => w.call('waitBlocks', { paragraphs: o.writersPerDoc, timeoutMs: 60_000 })))
    await Promise.all(workers.map((w) => w.call('reset', null)))
    await probe?.call('probeSamples', null)

    // typing
    const count = Math.round(o.rate * o.durationS)
    const intervalMs = 1000 / o.rate
    const startAtUs = nowUs() + 300_000
    const totalWriters = o.docs * o.writersPerDoc
    const plans = new Map<WorkerHandle<CollabApi>, WriterPlan[]>()
    for (let d = 0; d < o.docs; d++) {
      for (let w = 0; w < o.writersPerDoc; w++) {
        const key = d * o.clientsPerDoc + w
        // Writers are spread evenly over one interval instead of firing together.
        const offsetUs = ((d * o.writersPerDoc + w) / totalWriters) * intervalMs * 1000
        const plan: WriterPlan = { key, paragraph: w, count, intervalMs, startAtUs: startAtUs + offsetUs }
        const h = home.get(key)!
        const list = plans.get(h) ?? []
        list.push(plan)
        plans.set(h, list)
      }
    }
    const s0 = sampleServer()
    const svc0 = o.serviceCpuMs?.() ?? 0
    const lg2 = sampleMany(workerPids)
    const typed = await Promise.all(workers.map((w) => w.call('type', { writers: plans.get(w) ?? [] })))
    const inserts = typed.reduce((n, t) => n + t.inserts, 0)
    const perDoc = count * o.writersPerDoc
    const expected = (key: number): number => perDoc - (key % o.clientsPerDoc < o.writersPerDoc ? count : 0)
    const drained = await Promise.all(
      workers.map((w, i) => w.call('drain', { expected: byWorker[i]!.map((s): [number, number] => [s.key, expected(s.key)]), timeoutMs: 30_000 })),
    )
    const s1 = sampleServer()
    const svc1 = o.serviceCpuMs?.() ?? 0
    const lg3 = sampleMany(workerPids)
    o.phases?.push({ label: 'connect', fromUs: baseline.atUs, toUs: connected.atUs }, { label: 'typing', fromUs: s0.atUs, toUs: s1.atUs })

    const reports = (await Promise.all(workers.map((w) => w.call('collect', null)))).flat()
    const probed = probe ? await probe.call('probeSamples', null) : null
    const delivered = reports.reduce((n, r) => n + r.observed, 0)
    const serverDelivered = delivered + (probed?.count ?? 0)
    const typing = phaseCost(s0, s1)
    const convergedDocs = countConverged(reports)
    const connectMs = opened.flatMap((r) => r.connectMs)
    return {
      clients: specs.length,
      connect: {
        synced: opened.reduce((n, r) => n + r.synced, 0),
        failed: opened.reduce((n, r) => n + r.failed, 0),
        wallMs: (connected.atUs - baseline.atUs) / 1000,
        perClientMs: msDistribution(connectMs.map((ms) => ms * 1000)),
      },
      inserts,
      delivered,
      missing: drained.reduce((n, d) => n + d.missing, 0),
      deliveredPerS: delivered / o.durationS,
      latencyMs: msDistribution(concat(reports.map((r) => r.latenciesUs))),
      ...perInsert(reports),
      latencyAfter2sMs: msDistribution(concat(reports.map((r) => r.latenciesUs.filter((_, i) => r.sentUs[i]! >= startAtUs + 2e6)))),
      server: { baselineRssKiB: baseline.rssKiB, connect: { ...phaseCost(baseline, connected), rssAfterKiB: settled.rssKiB }, typing, peakRssKiB: s1.hwmKiB },
      servicesTypingCpuMs: o.serviceCpuMs ? svc1 - svc0 : null,
      loadGenerator: { connect: phaseCost(lg0, lg1), typing: phaseCost(lg2, lg3) },
      probeMs: probed ? msDistribution(probed.latenciesUs) : null,
      serverCpuPerDeliveredUs: serverDelivered > 0 ? (typing.cpuMs * 1000) / serverDelivered : Number.NaN,
      serverSysPerDeliveredUs: serverDelivered > 0 ? (typing.sysMs * 1000) / serverDelivered : Number.NaN,
      convergedDocs,
      converged: convergedDocs === o.docs,
      drops: reports.reduce((n, r) => n + r.drops, 0),
    }
  } finally {
    await Promise.all(workers.map((w) => w.call('close', null).catch(() => null)))
    await closeWorkers(workers)
    if (probe) {
      await probe.call('close', null).catch(() => null)
      await probe.close()
    }
  }
}

function perInsert(reports: readonly ClientReport[]): { firstObserverMs: Distribution; observerSpreadMs: Distribution } {
  // A marker's insert time identifies the insert (µs, per writer clock reading).
  const byInsert = new Map<number, { min: number; max: number }>()
  for (const r of reports) {
    for (let i = 0; i < r.sentUs.length; i++) {
      const l = r.latenciesUs[i]!
      const e = byInsert.get(r.sentUs[i]!)
      if (!e) byInsert.set(r.sentUs[i]!, { min: l, max: l })
      else {
        if (l < e.min) e.min = l
        if (l > e.max) e.max = l
      }
    }
  }
  const all = [...byInsert.values()]
  return { firstObserverMs: msDistribution(all.map((e) => e.min)), observerSpreadMs: msDistribution(all.map((e) => e.max - e.min)) }
}

/** Documents whose clients all have the same state vector and text. */
export function countConverged(reports: readonly ClientReport[]): number {
  const byDoc = new Map<string, ClientReport[]>()
  for (const r of reports) {
    const list = byDoc.get(r.docId) ?? []
    list.push(r)
    byDoc.set(r.docId, list)
  }
  let n = 0
  for (const list of byDoc.values()) {
    const first = list[0]!
    if (list.every((r) => r.stateVector === first.stateVector && r.textSha1 === first.textSha1)) n++
  }
  return n
}

/**
 * Fan-out: one document, N real clients, 5 of them typing 10 inserts/s each
 * for 20 s. Reports the delay from a writer's insert to each other client's
 * observation, updates delivered per second, and the server's CPU per
 * delivered update. Every client must end with the same document.
 */
import type { BenchContext, Benchmark } from './lib/bench.ts'
import { withServer } from './lib/bench.ts'
import type { BenchResult, Cell, Table } from './lib/report.ts'
import { verdict } from './lib/report.ts'
import { round } from './lib/stats.ts'
import { typingRun, type TypingRunResult } from './lib/typingRun.ts'

export const FANOUT_WRITERS = 5
export const FANOUT_RATE = 10

export interface FanoutCase {
  clients: number
  durationS: number
}

export async function fanoutCase(ctx: BenchContext, c: FanoutCase, env: Record<string, string>, label: string): Promise<TypingRunResult> {
  return withServer(ctx, label, { env }, (server) =>
    typingRun({
      server,
      docs: 1,
      clientsPerDoc: c.clients,
      writersPerDoc: Math.min(FANOUT_WRITERS, c.clients),
      rate: FANOUT_RATE,
      durationS: c.durationS,
      workers: Math.min(4, c.clients),
      connectConcurrency: 25,
      docPrefix: 'fanout',
      phases: ctx.phases,
      probe: true,
    }),
  )
}

export const FANOUT_COLUMNS = [
  'clients',
  'inserts',
  'delivered/s',
  'p50 ms',
  'p95 ms',
  'p99 ms',
  'max ms',
  'p99 after 2 s ms',
  'first observer p99 ms',
  'first→last observer p99 ms',
  'probe p50 ms',
  'probe p99 ms',
  'server CPU %',
  'server waited for a core %',
  'CPU/update µs',
  'of which kernel µs',
  'server RSS MiB',
  'load-gen CPU %',
  'converged',
]

export function fanoutRow(r: TypingRunResult): Cell[] {
  return [
    r.clients,
    r.inserts,
    round(r.deliveredPerS, 0),
    round(r.latencyMs.p50, 2),
    round(r.latencyMs.p95, 2),
    round(r.latencyMs.p99, 2),
    round(r.latencyMs.max, 2),
    round(r.latencyAfter2sMs.p99, 2),
    round(r.firstObserverMs.p99, 2),
    round(r.observerSpreadMs.p99, 2),
    r.probeMs ? round(r.probeMs.p50, 2) : null,
    r.probeMs ? round(r.probeMs.p99, 2) : null,
    round(r.server.typing.cpuShare * 100, 1),
    round((r.server.typing.runqueueWaitMs / r.server.typing.wallMs) * 100, 1),
    round(r.serverCpuPerDeliveredUs, 2),
    round(r.serverSysPerDeliveredUs, 2),
    round(r.server.typing.rssAfterKiB / 1024, 1),
    round(r.loadGenerator.typing.cpuShare * 100, 0),
    r.converged && r.missing === 0 ? 'yes' : `NO (${r.missing} missing)`,
  ]
}

export const fanout: Benchmark = {
  name: 'fanout',
  title: 'Fan-out: one document, N clients, 5 typing 10 inserts/s',
  async run(ctx) {
    const cases: FanoutCase[] = ctx.quick
      ? [
          { clients: 2, durationS: 3 },
          { clients: 20, durationS: 3 },
        ]
      : [2, 20, 100, 250].map((clients) => ({ clients, durationS: 20 }))
    const runs: { clients: number; result: TypingRunResult }[] = []
    for (const c of cases) {
      ctx.log(`  ${c.clients} clients, ${c.durationS} s`)
      const result = await fanoutCase(ctx, c, {}, `${c.clients}-clients`)
      ctx.log(`    p99 ${round(result.latencyMs.p99, 2)} ms, ${round(result.serverCpuPerDeliveredUs, 2)} µs/update, converged ${result.converged}`)
      runs.push({ clients: c.clients, result })
    }
    const table: Table = { title: 'Fan-out (SQLite, synchronous=NORMAL)', columns: FANOUT_COLUMNS, rows: runs.map((r) => fanoutRow(r.result)) }
    const notes: string[] = []
    const at = (n: number) => runs.find((r) => r.clients === n)?.result
    const r100 = at(100)
    const r250 = at(250)
    if (r100) notes.push(`target fan-out 100 clients p99 ≤ 5 ms: ${round(r100.latencyMs.p99, 2)} ms (${verdict(r100.latencyMs.p99, 5)})`)
    if (r250) {
      notes.push(`target fan-out 250 clients p99 ≤ 12 ms: ${round(r250.latencyMs.p99, 2)} ms (${verdict(r250.latencyMs.p99, 12)})`)
      notes.push(`target 250 clients server CPU per delivered update ≤ 12 µs: ${round(r250.serverCpuPerDeliveredUs, 2)} µs (${verdict(r250.serverCpuPerDeliveredUs, 12)})`)
    }
    for (const r of runs) if (!r.result.converged || r.result.missing > 0) notes.push(`${r.clients} clients: NOT converged (${r.result.missing} markers missing)`)
    const result: BenchResult = { tables: [table], data: { workload: { writers: FANOUT_WRITERS, ratePerWriter: FANOUT_RATE, cases }, runs }, notes }
    return result
  },
}

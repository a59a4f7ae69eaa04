/**
 * Many rooms: 1,000 documents with 2 real clients each, one of them typing
 * one insert per second. Reports the server's memory per client (RSS after
 * connecting minus the RSS before, over the clients) and the latency; the
 * memory is measured for the default server and with a small young
 * generation (see lib/variants.ts).
 */
import type { Benchmark } from './lib/bench.ts'
import { withServer } from './lib/bench.ts'
import { verdict, type Table } from './lib/report.ts'
import { round } from './lib/stats.ts'
import { typingRun, type TypingRunResult } from './lib/typingRun.ts'
import { DEFAULT_VARIANT, MEMORY_VARIANTS } from './lib/variants.ts'

export const rooms: Benchmark = {
  name: 'rooms',
  title: 'Many rooms: 1,000 documents × 2 clients, one writer per room at 1 insert/s',
  async run(ctx) {
    const w = ctx.quick ? { docs: 50, durationS: 3 } : { docs: 1000, durationS: 20 }
    const rate = 1
    const runs: { variant: string; perClientKiB: number; perClientAfterTypingKiB: number; run: TypingRunResult }[] = []
    for (const variant of ctx.quick ? [DEFAULT_VARIANT] : MEMORY_VARIANTS) {
      ctx.log(`  ${w.docs} rooms, server ${variant.label}`)
      const r = await withServer(ctx, `${w.docs}-rooms-${variant.label}`, { nodeArgs: variant.nodeArgs }, (server) =>
        typingRun({ server, docs: w.docs, clientsPerDoc: 2, writersPerDoc: 1, rate, durationS: w.durationS, workers: 4, connectConcurrency: 50, docPrefix: 'room', phases: ctx.phases }),
      )
      const perClientKiB = (r.server.connect.rssAfterKiB - r.server.baselineRssKiB) / r.clients
      const perClientAfterTypingKiB = (r.server.typing.rssAfterKiB - r.server.baselineRssKiB) / r.clients
      ctx.log(`    ${round(perClientKiB, 1)} KiB per client, p99 ${round(r.latencyMs.p99, 1)} ms`)
      runs.push({ variant: variant.label, perClientKiB, perClientAfterTypingKiB, run: r })
    }
    const table: Table = {
      title: `Many rooms (${w.docs} documents × 2 clients, SQLite NORMAL)`,
      columns: [
        'server',
        'clients',
        'connect s',
        'failed',
        'RSS base MiB',
        'RSS connected MiB',
        'RSS/client KiB',
        'RSS/client after typing KiB',
        'inserts',
        'p50 ms',
        'p95 ms',
        'p99 ms',
        'max ms',
        'server CPU %',
        'server waited for a core %',
        'converged',
      ],
      rows: runs.map(({ variant, perClientKiB, perClientAfterTypingKiB, run: r }) => [
        variant,
        r.clients,
        round(r.connect.wallMs / 1000, 2),
        r.connect.failed,
        round(r.server.baselineRssKiB / 1024, 1),
        round(r.server.connect.rssAfterKiB / 1024, 1),
        round(perClientKiB, 1),
        round(perClientAfterTypingKiB, 1),
        r.inserts,
        round(r.latencyMs.p50, 2),
        round(r.latencyMs.p95, 2),
        round(r.latencyMs.p99, 2),
        round(r.latencyMs.max, 2),
        round(r.server.typing.cpuShare * 100, 1),
        round((r.server.typing.runqueueWaitMs / r.server.typing.wallMs) * 100, 1),
        r.converged && r.missing === 0 ? 'yes' : `NO (${r.convergedDocs}/${w.docs} docs, ${r.missing} missing)`,
      ]),
    }
    const base = runs[0]!
    const notes = [`target 1,000 rooms × 2 clients RSS per client ≤ 15 KiB (default server): ${round(base.perClientKiB, 1)} KiB (${verdict(base.perClientKiB, 15)})`]
    return { tables: [table], data: { workload: { ...w, clientsPerDoc: 2, ratePerRoom: rate }, runs }, notes }
  },
}

/**
 * Durability cost: the 100-client fan-out, once per SQLITE_SYNCHRONOUS
 * level. Every update is appended (one SQLite transaction) before it is
 * broadcast, so the level's commit cost sits directly on the latency path.
 */
import type { Benchmark } from './lib/bench.ts'
import type { Table } from './lib/report.ts'
import { round } from './lib/stats.ts'
import type { TypingRunResult } from './lib/typingRun.ts'
import { FANOUT_COLUMNS, fanoutCase, fanoutRow } from './fanout.ts'

const LEVELS = ['OFF', 'NORMAL', 'FULL'] as const

export const durability: Benchmark = {
  name: 'durability',
  title: 'Durability cost: fan-out at 100 clients per SQLITE_SYNCHRONOUS level',
  async run(ctx) {
    const c = ctx.quick ? { clients: 20, durationS: 3 } : { clients: 100, durationS: 20 }
    const runs: { level: string; result: TypingRunResult }[] = []
    for (const level of LEVELS) {
      ctx.log(`  synchronous=${level}, ${c.clients} clients, ${c.durationS} s`)
      const result = await fanoutCase(ctx, c, { SQLITE_SYNCHRONOUS: level }, `sync-${level}`)
      ctx.log(`    p99 ${round(result.latencyMs.p99, 2)} ms`)
      runs.push({ level, result })
    }
    const table: Table = {
      title: `Durability cost (fan-out, ${c.clients} clients)`,
      columns: ['synchronous', ...FANOUT_COLUMNS],
      rows: runs.map((r) => [r.level, ...fanoutRow(r.result)]),
    }
    const notes = runs.filter((r) => !r.result.converged || r.result.missing > 0).map((r) => `${r.level}: NOT converged (${r.result.missing} missing)`)
    return { tables: [table], data: { case: c, runs }, notes }
  },
}

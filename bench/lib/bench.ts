/**
 * What every benchmark gets from the runner: the mode (quick, profile), a
 * logger, and `withServer`, which starts a fresh server for one measurement
 * and, when profiling, turns its .cpuprofile into a table in the result.
 */
import path from 'node:path'
import { summarizeByModule, summarizeProfile, type TimeWindow } from './profile.ts'
import { RESULTS_DIR, type BenchResult, type Table } from './report.ts'
import { newestProfile, startBenchServer, type BenchServer, type BenchServerOptions } from './server.ts'
import { round } from './stats.ts'

export interface BenchContext {
  name: string
  quick: boolean
  profile: boolean
  log(line: string): void
  /** Profile summaries collected by `withServer`, added to the result by the runner. */
  profiles: { label: string; file: string; tables: Table[] }[]
  /** Measured phases (nowUs() bounds); a profile is summarized for each phase of its server. */
  phases: Phase[]
}

export interface Phase {
  label: string
  fromUs: number
  toUs: number
}

export interface Benchmark {
  name: string
  title: string
  run(ctx: BenchContext): Promise<BenchResult>
}

/** Start a server, run `fn` against it, stop it (storing every room). */
export async function withServer<T>(ctx: BenchContext, label: string, opts: Omit<BenchServerOptions, 'profileDir'>, fn: (s: BenchServer) => Promise<T>): Promise<T> {
  const profileDir = ctx.profile ? path.join(RESULTS_DIR, 'profiles', ctx.name, label) : undefined
  const server = await startBenchServer({ ...opts, ...(profileDir ? { profileDir } : {}) })
  const firstPhase = ctx.phases.length
  try {
    return await fn(server)
  } finally {
    await server.stop()
    if (profileDir) recordProfile(ctx, label, profileDir, ctx.phases.slice(firstPhase))
  }
}

/** Summarize the server's profile for each measured phase (or for its whole run if none). */
export function recordProfile(ctx: BenchContext, label: string, dir: string, phases: readonly Phase[]): void {
  // The main thread's profile is the largest; tsx's loader thread writes a small second one.
  const file = newestProfile(dir)
  if (!file) {
    ctx.log(`  (no CPU profile written in ${dir})`)
    return
  }
  const tables: Table[] = []
  // Phases with the same label (repeated joins) are summarized together.
  const byLabel = new Map<string, TimeWindow[]>()
  for (const p of phases) byLabel.set(p.label, [...(byLabel.get(p.label) ?? []), { fromUs: p.fromUs, toUs: p.toUs }])
  for (const [phase, windows] of byLabel.size > 0 ? [...byLabel] : [[null, undefined] as const]) {
    const s = summarizeProfile(file, 20, windows)
    const busy = s.totalMs - s.idleMs
    const name = `${ctx.name} ${label}${phase ? `, ${phase}` : ''}`
    tables.push(
      {
        title: `${name}: server self time (${round(busy / 1000, 2)} s busy of ${round(s.totalMs / 1000, 1)} s)`,
        columns: ['function', 'where', 'self ms', '% busy'],
        rows: s.top.map((e) => [e.fn, e.where, round(e.selfMs, 1), round(e.share * 100, 1)]),
      },
      {
        title: `${name}: server self time by module`,
        columns: ['module', 'self ms', '% busy'],
        rows: summarizeByModule(file, windows)
          .slice(0, 12)
          .map((m) => [m.module, round(m.selfMs, 1), round(m.share * 100, 1)]),
      },
    )
  }
  ctx.profiles.push({ label, file: path.relative(path.resolve(RESULTS_DIR, '../..'), file), tables })
}

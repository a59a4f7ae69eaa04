/**
 * `npm run bench [-- <name>...] [--quick] [--profile]`
 *
 * Runs the benchmarks one after another (never two at once: the machine's
 * cores are shared by the server and the load generator), prints each one's
 * tables and writes bench/results/<name>.json (<name>.quick.json with
 * --quick, <name>.profile.json with --profile, so neither overwrites the
 * figures of a plain run). --quick is a small smoke run that finishes in seconds per
 * benchmark; --profile starts every server with --cpu-prof and adds its top
 * self-time functions to the result (profiles in bench/results/profiles/).
 */
import type { Benchmark, BenchContext } from './lib/bench.ts'
import { calibrate } from './lib/calibrate.ts'
import { machineInfo, otherCores, sampleNoise } from './lib/proc.ts'
import { renderTable, sourceVersion, writeResult } from './lib/report.ts'
import { fanout } from './fanout.ts'
import { rooms } from './rooms.ts'
import { connections } from './connections.ts'
import { coldLoad } from './coldload.ts'
import { aiOneRoom, aiStreaming } from './ai.ts'
import { durability } from './durability.ts'
import { scale } from './scale.ts'
import { startup } from './startup.ts'
import { versions } from './versions.ts'

const ALL: Benchmark[] = [fanout, rooms, connections, startup, coldLoad, aiStreaming, aiOneRoom, durability, scale, versions]

function parseArgs(argv: string[]): { names: string[]; quick: boolean; profile: boolean } {
  const names: string[] = []
  let quick = false
  let profile = false
  for (const a of argv) {
    if (a === '--quick') quick = true
    else if (a === '--profile') profile = true
    else if (a.startsWith('-')) throw new Error(`unknown flag ${a} (known: --quick, --profile)`)
    else names.push(a)
  }
  const unknown = names.filter((n) => !ALL.some((b) => b.name === n))
  if (unknown.length > 0) throw new Error(`unknown benchmark ${unknown.join(', ')} (known: ${ALL.map((b) => b.name).join(', ')})`)
  return { names, quick, profile }
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2))
  const selected = args.names.length > 0 ? ALL.filter((b) => args.names.includes(b.name)) : ALL
  const m = machineInfo()
  const log = (line: string) => process.stdout.write(`${line}\n`)
  const src = sourceVersion()
  log(`machine: ${m.cpus} × ${m.model}, ${m.memTotalGiB} GiB, node ${m.node}, load average ${m.loadAvg.join(' ')}${args.quick ? ' (quick run)' : ''}`)
  log(`source: ${src.commit}${src.uncommitted.length > 0 ? ` with uncommitted changes in ${src.uncommitted.join(', ')}` : ''}`)
  let failed = 0
  for (const bench of selected) {
    const started = Date.now()
    log(`\n== ${bench.name}: ${bench.title}`)
    const ctx: BenchContext = { name: bench.name, quick: args.quick, profile: args.profile, log, profiles: [], phases: [] }
    const speedBefore = calibrate()
    log(`machine speed: calibration ${speedBefore.toFixed(0)} ms of CPU (lower is faster; it varies about 3× on this shared VM)`)
    const noise0 = sampleNoise()
    try {
      const result = await bench.run(ctx)
      const others = otherCores(noise0, sampleNoise())
      const speedAfter = calibrate()
      result.data.otherProcessesCores = Math.round(others * 100) / 100
      result.data.calibrationMs = { before: Math.round(speedBefore), after: Math.round(speedAfter) }
      result.notes.push(`calibration ${speedBefore.toFixed(0)} ms before, ${speedAfter.toFixed(0)} ms after (see bench/lib/calibrate.ts)`)
      // Another process using a tenth of a core or more skews a 2-core machine's figures.
      if (others >= 0.1) result.notes.push(`other processes used ${others.toFixed(2)} cores on average during this benchmark: figures are noisy`)
      for (const p of ctx.profiles) result.tables.push(...p.tables)
      if (ctx.profiles.length > 0) result.data.profiles = ctx.profiles.map((p) => ({ label: p.label, file: p.file }))
      log('')
      for (const t of result.tables) log(`${renderTable(t)}\n`)
      for (const n of result.notes) log(`- ${n}`)
      const file = writeResult(bench.name, { quick: args.quick, profile: args.profile }, result)
      log(`(${((Date.now() - started) / 1000).toFixed(1)} s; ${file})`)
    } catch (err) {
      failed++
      log(`!! ${bench.name} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`)
    }
  }
  process.exitCode = failed > 0 ? 1 : 0
}

void main()

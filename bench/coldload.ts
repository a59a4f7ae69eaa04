/**
 * Cold load: a document with a 100,000-edit history (built through the
 * server by real clients, so it is the server's stored log and snapshot).
 * Time for a fresh client to receive the whole content
 *   (a) while the room is in memory (another client keeps it loaded),
 *   (b) after the room was unloaded (ROOM_UNLOAD_DELAY_MS=50; wait until
 *       /api/health reports no rooms),
 *   (c) after a server restart (same data folder),
 * and count joins where the provider said 'synced' before the content was
 * there (must be none).
 */
import path from 'node:path'
import Database from 'better-sqlite3'
import type { Benchmark, BenchContext, Phase } from './lib/bench.ts'
import { recordProfile } from './lib/bench.ts'
import { nowUs, waitUntil } from './lib/clock.ts'
import type { ColdApi, JoinResult } from './lib/coldApi.ts'
import { closeWorkers, startWorkers, type WorkerHandle } from './lib/ipc.ts'
import { RESULTS_DIR, verdict, type Table } from './lib/report.ts'
import { benchTempDir, startBenchServer, type BenchServer } from './lib/server.ts'
import { distribution, round } from './lib/stats.ts'

const COLD_WORKER = path.resolve(import.meta.dirname, 'workers/cold.ts')
const DOC = 'history'
const ENV = { ROOM_UNLOAD_DELAY_MS: '50' }

type Scenario = 'in memory' | 'after unload' | 'after restart'

export const coldLoad: Benchmark = {
  name: 'coldload',
  title: 'Cold load: a fresh client joins a document with a 100,000-edit history',
  async run(ctx) {
    const w = ctx.quick ? { edits: 5000, sessions: 2, runs: 3 } : { edits: 100_000, sessions: 10, runs: 10 }
    const dataDir = benchTempDir('cold')
    const [worker] = await startWorkers<ColdApi>(COLD_WORKER, 1)
    const runs: Record<Scenario, JoinResult[]> = { 'in memory': [], 'after unload': [], 'after restart': [] }
    let server: BenchServer | null = null
    let serverIndex = 0
    const start = async (profile: boolean) => {
      const profileDir = ctx.profile && profile ? path.join(RESULTS_DIR, 'profiles', ctx.name, `server-${serverIndex++}`) : undefined
      server = await startBenchServer({ env: ENV, dataDir, ...(profileDir ? { profileDir } : {}) })
      return { server, profileDir }
    }
    const stop = async (s: { server: BenchServer; profileDir: string | undefined }, label: string, phases: Phase[]) => {
      await s.server.stop()
      if (s.profileDir) recordProfile(ctx, label, s.profileDir, phases)
    }
    try {
      let s = await start(true)
      ctx.log(`  building ${w.edits} edits in ${w.sessions} sessions`)
      const built = await worker!.call('build', { wsUrl: s.server.wsUrl, docId: DOC, edits: w.edits, sessions: w.sessions, seed: 1 })
      ctx.log(`    ${round(built.ms / 1000, 1)} s, state ${round(built.stateBytes / 2 ** 20, 2)} MiB`)
      const join = () => worker!.call('join', { wsUrl: s.server.wsUrl, docId: DOC, stateVector: built.stateVector, timeoutMs: 60_000 })
      const phases: Phase[] = []
      // Each join is a phase of its own: the profile then leaves out the build and the waits.
      const timed = async (label: string) => {
        const fromUs = nowUs()
        const r = await join()
        phases.push({ label, fromUs, toUs: nowUs() })
        return r
      }

      for (let i = 0; i < w.runs; i++) runs['in memory'].push(await timed('join in memory'))
      await worker!.call('release', null)
      for (let i = 0; i < w.runs; i++) {
        await waitForUnload(s.server)
        runs['after unload'].push(await timed('join after unload'))
      }
      await waitForUnload(s.server)
      await stop(s, 'first server', phases)
      for (let i = 0; i < w.runs; i++) {
        // Profile the first restarted server only: one is representative.
        s = await start(i === 0)
        phases.length = 0
        runs['after restart'].push(await timed('join after restart'))
        await stop(s, 'restarted server', phases)
      }
      const stored = storedSize(dataDir)
      return report(ctx, w, built, runs, stored)
    } finally {
      await (server as BenchServer | null)?.stop()
      await closeWorkers([worker as WorkerHandle<ColdApi>])
    }
  },
}

async function waitForUnload(server: BenchServer): Promise<void> {
  await waitUntil(async () => (await server.health()).rooms === 0, 'the room to unload', 30_000, 10)
}

function storedSize(dataDir: string): { snapshotBytes: number; logRows: number; logBytes: number } {
  const db = new Database(path.join(dataDir, 'docs.sqlite'), { readonly: true })
  try {
    const snap = db.prepare<[string], { n: number | null }>('SELECT length(snapshot) AS n FROM docs WHERE id = ?').get(DOC)
    const log = db.prepare<[string], { rows: number; bytes: number | null }>('SELECT count(*) AS rows, sum(length(data)) AS bytes FROM updates WHERE doc_id = ?').get(DOC)
    return { snapshotBytes: snap?.n ?? 0, logRows: log?.rows ?? 0, logBytes: log?.bytes ?? 0 }
  } finally {
    db.close()
  }
}

function report(
  ctx: BenchContext,
  w: { edits: number; sessions: number; runs: number },
  built: { stateBytes: number; textLength: number; ms: number },
  runs: Record<Scenario, JoinResult[]>,
  stored: { snapshotBytes: number; logRows: number; logBytes: number },
) {
  const rows = (Object.keys(runs) as Scenario[]).map((name) => {
    const frame = distribution(runs[name].map((r) => r.frameMs))
    const content = distribution(runs[name].map((r) => r.contentMs))
    const sync = distribution(runs[name].map((r) => r.syncMs))
    const violations = runs[name].filter((r) => r.syncedBeforeContent).length
    return { name, frame, content, sync, violations }
  })
  const table: Table = {
    title: `Cold load (${w.edits} edits in ${w.sessions} sessions; state ${round(built.stateBytes / 2 ** 20, 2)} MiB; ${w.runs} joins each)`,
    columns: ['scenario', 'SyncStep2 received p50 ms', 'max ms', 'content applied p50 ms', 'mean ms', 'max ms', "'sync' p50 ms", 'synced before content'],
    rows: rows.map((r) => [
      r.name,
      round(r.frame.p50, 1),
      round(r.frame.max, 1),
      round(r.content.p50, 1),
      round(r.content.mean, 1),
      round(r.content.max, 1),
      round(r.sync.p50, 1),
      `${r.violations}/${w.runs}`,
    ]),
  }
  const at = (n: Scenario) => rows.find((r) => r.name === n)!
  const totalViolations = rows.reduce((n, r) => n + r.violations, 0)
  const notes = [
    `history: ${w.edits} edits, built through the server in ${round(built.ms / 1000, 1)} s; state ${built.stateBytes} bytes, ${built.textLength} characters; stored snapshot ${stored.snapshotBytes} bytes + ${stored.logRows} log rows (${stored.logBytes} bytes)`,
    `target cold load after restart ≤ 150 ms (median, content applied): ${round(at('after restart').content.p50, 1)} ms (${verdict(at('after restart').content.p50, 150)}), max ${round(at('after restart').content.max, 1)} ms; SyncStep2 received after ${round(at('after restart').frame.p50, 1)} ms (${verdict(at('after restart').frame.p50, 150)})`,
    `target cold load after unload ≤ 120 ms (median, content applied): ${round(at('after unload').content.p50, 1)} ms (${verdict(at('after unload').content.p50, 120)}), max ${round(at('after unload').content.max, 1)} ms; SyncStep2 received after ${round(at('after unload').frame.p50, 1)} ms (${verdict(at('after unload').frame.p50, 120)})`,
    `target synced-before-content never: ${totalViolations} of ${w.runs * 3} joins (${totalViolations === 0 ? 'pass' : 'MISS'})`,
  ]
  ctx.log(`    restart p50 ${round(at('after restart').content.p50, 1)} ms, unload p50 ${round(at('after unload').content.p50, 1)} ms`)
  return { tables: [table], data: { workload: w, built, stored, runs, summary: rows }, notes }
}

/**
 * Summarize a V8 .cpuprofile (what `node --cpu-prof` writes): self time per
 * function, summed over every node of the call tree with the same function,
 * file and line, and the share of samples that fell in each. `(idle)`,
 * `(program)` and `(garbage collector)` are V8's own buckets.
 */
import fs from 'node:fs'
import path from 'node:path'

interface CpuProfileNode {
  id: number
  callFrame: { functionName: string; url: string; lineNumber: number }
  hitCount?: number
}

interface CpuProfile {
  nodes: CpuProfileNode[]
  startTime: number
  endTime: number
  samples?: number[]
  timeDeltas?: number[]
}

export interface ProfileEntry {
  fn: string
  where: string
  selfMs: number
  /** Share of non-idle time. */
  share: number
}

export interface ProfileSummary {
  file: string
  totalMs: number
  idleMs: number
  top: ProfileEntry[]
}

const ROOT = path.resolve(import.meta.dirname, '../..')

function location(url: string, line: number): string {
  if (!url) return ''
  let p = url.replace(/^file:\/\//, '')
  if (p.startsWith(ROOT)) p = path.relative(ROOT, p)
  p = p.replace(/^.*node_modules\//, '')
  return `${p}:${line + 1}`
}

/**
 * Sample timestamps are V8 TimeTicks, CLOCK_MONOTONIC in µs on Linux: the
 * same clock as `nowUs()`, so a phase measured by the coordinator can select
 * its samples (`windows`: a sample counts if it falls in any of them).
 */
export interface TimeWindow {
  fromUs: number
  toUs: number
}

export function summarizeProfile(file: string, topN = 25, windows?: readonly TimeWindow[]): ProfileSummary {
  const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as CpuProfile
  const byId = new Map(profile.nodes.map((n) => [n.id, n]))
  // Self time per node: each sample's delta goes to the node it hit.
  const selfUs = new Map<number, number>()
  const samples = profile.samples ?? []
  const deltas = profile.timeDeltas ?? []
  let t = profile.startTime
  for (let i = 0; i < samples.length; i++) {
    // timeDeltas[i] is the time before sample i; the time until the next sample is attributed to it.
    t += deltas[i] ?? 0
    if (windows && !windows.some((w) => t >= w.fromUs && t <= w.toUs)) continue
    const dt = deltas[i + 1] ?? 0
    selfUs.set(samples[i]!, (selfUs.get(samples[i]!) ?? 0) + dt)
  }
  const byFn = new Map<string, ProfileEntry>()
  let idleUs = 0
  let totalUs = 0
  for (const [id, us] of selfUs) {
    const node = byId.get(id)
    if (!node) continue
    const { functionName, url, lineNumber } = node.callFrame
    totalUs += us
    if (functionName === '(idle)') {
      idleUs += us
      continue
    }
    // Regular expressions are reported by their source; keep the table readable.
    const name = functionName || '(anonymous)'
    const fn = name.length > 60 ? `${name.slice(0, 57)}...` : name
    const where = location(url, lineNumber)
    const key = `${fn}@${where}`
    const e = byFn.get(key) ?? { fn, where, selfMs: 0, share: 0 }
    e.selfMs += us / 1000
    byFn.set(key, e)
  }
  const busyMs = (totalUs - idleUs) / 1000
  const top = [...byFn.values()].sort((a, b) => b.selfMs - a.selfMs).slice(0, topN)
  for (const e of top) e.share = busyMs > 0 ? e.selfMs / busyMs : 0
  return { file, totalMs: totalUs / 1000, idleMs: idleUs / 1000, top }
}

/** Self time grouped by package or source folder (yjs, ws, better-sqlite3, server/collab, ...). */
export function summarizeByModule(file: string, windows?: readonly TimeWindow[]): { module: string; selfMs: number; share: number }[] {
  const all = summarizeProfile(file, Number.POSITIVE_INFINITY, windows)
  const busy = all.totalMs - all.idleMs
  const byModule = new Map<string, number>()
  for (const e of all.top) {
    const where = e.where
    const mod = !where ? e.fn.startsWith('(') ? e.fn : '(native)' : where.startsWith('node:') ? 'node internals' : where.includes('/') ? where.split('/').slice(0, where.startsWith('server/') || where.startsWith('shared/') ? 2 : 1).join('/') : where.split(':')[0]!
    byModule.set(mod, (byModule.get(mod) ?? 0) + e.selfMs)
  }
  return [...byModule.entries()].map(([module, selfMs]) => ({ module, selfMs, share: busy > 0 ? selfMs / busy : 0 })).sort((a, b) => b.selfMs - a.selfMs)
}

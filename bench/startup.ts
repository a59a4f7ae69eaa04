/**
 * Start-up and idle memory: the compiled server (`node dist/server/main.js`,
 * as `npm start` runs it) against the same source under tsx (`node --import
 * tsx server/main.ts`, how `npm start` ran it before), started in turn
 * ROUNDS times each on an empty data folder, in the same run.
 *
 * For each start: the time from spawn to the READY line, the CPU spent by
 * then, the RSS at READY and after idling, and where that memory is: anonymous
 * (heaps, JIT code, native allocations) against file-backed (the node binary
 * and shared libraries) from /proc/<pid>/smaps_rollup, the thread count (tsx's
 * module hooks run on a thread of their own), and the main V8 heap from
 * /metrics. Two bare processes give the floor: node with an empty script, and
 * node --import tsx with an empty .ts script, which is what tsx alone adds.
 * tsx keeps the JavaScript it made in a disk cache (os.tmpdir()/tsx-<uid>),
 * so its warm rows are the usual case; one more row turns the cache off
 * (TSX_DISABLE_CACHE=1), as on a fresh machine or after an upgrade.
 */
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { nowUs, sleep } from './lib/clock.ts'
import type { Benchmark } from './lib/bench.ts'
import { sampleProc } from './lib/proc.ts'
import type { Table } from './lib/report.ts'
import { benchTempDir, startBenchServer, type BenchServer, type ServerBuild } from './lib/server.ts'
import { round } from './lib/stats.ts'

const ROOT = path.resolve(import.meta.dirname, '..')

type Variant = { kind: 'server'; label: string; build: ServerBuild; env?: Record<string, string> } | { kind: 'bare'; label: string; tsx: boolean }

const VARIANTS: Variant[] = [
  { label: 'compiled (npm start)', kind: 'server', build: 'compiled' },
  { label: 'tsx', kind: 'server', build: 'tsx' },
  { label: 'tsx, cache off', kind: 'server', build: 'tsx', env: { TSX_DISABLE_CACHE: '1' } },
  { label: 'node, empty script', kind: 'bare', tsx: false },
  { label: 'node --import tsx, empty script', kind: 'bare', tsx: true },
]

/** One start of one variant. Memory in KiB. */
interface StartSample {
  readyMs: number
  cpuAtReadyMs: number
  rssAtReadyKiB: number
  idleRssKiB: number
  idleAnonKiB: number
  idleFileKiB: number
  hwmKiB: number
  threads: number
  /** V8 heap of the main thread (used, and total reserved), from /metrics; null where it does not answer. */
  heapUsedKiB: number | null
  heapTotalKiB: number | null
}

interface Running {
  pid: number
  readyMs: number
  metrics(): Promise<string | null>
  stop(): Promise<void>
}

export const startup: Benchmark = {
  name: 'startup',
  title: 'Start-up and idle memory: compiled server against tsx',
  async run(ctx) {
    const rounds = ctx.quick ? 2 : 7
    const idleS = ctx.quick ? 1 : 5
    const samples = new Map<string, StartSample[]>(VARIANTS.map((v) => [v.label, []]))
    const scripts = bareScripts()
    // In turn, so a change in the machine's speed touches every variant alike.
    for (let r = 0; r < rounds; r++) {
      for (const v of VARIANTS) {
        const s = await measureStart(v, idleS, scripts)
        samples.get(v.label)!.push(s)
      }
      ctx.log(`  round ${r + 1}/${rounds}: ${VARIANTS.map((v) => `${v.label} ${round(samples.get(v.label)!.at(-1)!.readyMs, 0)} ms`).join(', ')}`)
    }
    const rows = VARIANTS.map((v) => summarize(v, samples.get(v.label)!))
    const table: Table = {
      title: `Start-up and idle memory (median of ${rounds} starts each, in turn; idle = ${idleS} s after READY and one /api/health)`,
      columns: [
        'process',
        'start-up ms',
        'min–max ms',
        'CPU to READY ms',
        'RSS at READY MiB',
        'idle RSS MiB',
        'anonymous MiB',
        'file-backed MiB',
        'V8 heap used / total MiB',
        'threads',
        'peak RSS MiB',
      ],
      rows: rows.map((r) => [
        r.label,
        round(r.readyMs, 0),
        `${round(r.minReadyMs, 0)}–${round(r.maxReadyMs, 0)}`,
        round(r.cpuAtReadyMs, 0),
        mib(r.rssAtReadyKiB),
        mib(r.idleRssKiB),
        mib(r.idleAnonKiB),
        mib(r.idleFileKiB),
        r.heapUsedKiB === null || r.heapTotalKiB === null ? '—' : `${mib(r.heapUsedKiB)} / ${mib(r.heapTotalKiB)}`,
        r.threads,
        mib(r.hwmKiB),
      ]),
    }
    const by = (label: string) => rows.find((r) => r.label === label)!
    const compiled = by('compiled (npm start)')
    const tsx = by('tsx')
    const notes = [
      `idle RSS: compiled ${mib(compiled.idleRssKiB)} MiB, tsx ${mib(tsx.idleRssKiB)} MiB (${mib(tsx.idleRssKiB - compiled.idleRssKiB)} MiB less compiled); start-up ${round(compiled.readyMs, 0)} ms against ${round(tsx.readyMs, 0)} ms`,
      `tsx alone (empty script) adds ${mib(by('node --import tsx, empty script').idleRssKiB - by('node, empty script').idleRssKiB)} MiB RSS and ${round(by('node --import tsx, empty script').readyMs - by('node, empty script').readyMs, 0)} ms to a bare node`,
    ]
    return { tables: [table], data: { rounds, idleS, samples: Object.fromEntries(samples), summary: rows }, notes }
  },
}

function mib(kib: number): number {
  return round(kib / 1024, 1)
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  const mid = s.length >> 1
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2
}

function summarize(v: Variant, xs: StartSample[]) {
  const m = (f: (s: StartSample) => number) => median(xs.map(f))
  const heaps = xs.filter((s) => s.heapUsedKiB !== null && s.heapTotalKiB !== null)
  return {
    label: v.label,
    readyMs: m((s) => s.readyMs),
    minReadyMs: Math.min(...xs.map((s) => s.readyMs)),
    maxReadyMs: Math.max(...xs.map((s) => s.readyMs)),
    cpuAtReadyMs: m((s) => s.cpuAtReadyMs),
    rssAtReadyKiB: m((s) => s.rssAtReadyKiB),
    idleRssKiB: m((s) => s.idleRssKiB),
    idleAnonKiB: m((s) => s.idleAnonKiB),
    idleFileKiB: m((s) => s.idleFileKiB),
    hwmKiB: m((s) => s.hwmKiB),
    threads: m((s) => s.threads),
    heapUsedKiB: heaps.length > 0 ? median(heaps.map((s) => s.heapUsedKiB!)) : null,
    heapTotalKiB: heaps.length > 0 ? median(heaps.map((s) => s.heapTotalKiB!)) : null,
  }
}

async function measureStart(v: Variant, idleS: number, scripts: { js: string; ts: string }): Promise<StartSample> {
  const p = v.kind === 'server' ? await startServer(v.build, v.env) : await startBare(v.tsx ? ['--import', 'tsx', scripts.ts] : [scripts.js])
  try {
    const atReady = sampleProc(p.pid)
    await p.metrics() // one request, as a health check would make, before idling
    await sleep(idleS * 1000)
    const idle = sampleProc(p.pid)
    const text = await p.metrics()
    const smaps = smapsRollup(p.pid)
    return {
      readyMs: p.readyMs,
      cpuAtReadyMs: atReady.cpuMs,
      rssAtReadyKiB: atReady.rssKiB,
      idleRssKiB: idle.rssKiB,
      idleAnonKiB: smaps.anonKiB,
      idleFileKiB: smaps.rssKiB - smaps.anonKiB,
      hwmKiB: idle.hwmKiB,
      threads: threadCount(p.pid),
      heapUsedKiB: gauge(text, 'nodejs_heap_size_used_bytes'),
      heapTotalKiB: gauge(text, 'nodejs_heap_size_total_bytes'),
    }
  } finally {
    await p.stop()
  }
}

async function startServer(build: ServerBuild, env: Record<string, string> = {}): Promise<Running> {
  const server: BenchServer = await startBenchServer({ build, env })
  return {
    pid: server.pid,
    readyMs: server.readyMs,
    metrics: async () => {
      await server.health()
      const res = await fetch(`${server.url}/metrics`).catch(() => null)
      return res?.ok ? await res.text() : null
    },
    stop: async () => {
      await server.stop()
      fs.rmSync(server.dataDir, { recursive: true, force: true })
    },
  }
}

/** A process that only prints READY and waits: node's own floor, with or without tsx. */
async function startBare(args: string[]): Promise<Running> {
  const started = nowUs()
  const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] })
  await new Promise<void>((resolve, reject) => {
    let out = ''
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString()
      if (out.includes('READY')) resolve()
    })
    child.once('exit', (code) => reject(new Error(`bare process exited (code ${code}) before READY`)))
  })
  const readyMs = (nowUs() - started) / 1000
  return {
    pid: child.pid!,
    readyMs,
    metrics: async () => null,
    stop: async () => {
      const exited = new Promise((resolve) => child.once('exit', resolve))
      child.kill('SIGTERM')
      await exited
    },
  }
}

function bareScripts(): { js: string; ts: string } {
  const dir = benchTempDir('startup')
  const body = "process.stdout.write('READY\\n')\nsetInterval(() => {}, 1 << 30)\n"
  fs.writeFileSync(path.join(dir, 'idle.mjs'), body)
  // A type annotation, so tsx has something to strip.
  fs.writeFileSync(path.join(dir, 'idle.ts'), `const ready: string = 'READY\\n'\nprocess.stdout.write(ready)\nsetInterval(() => {}, 1 << 30)\n`)
  return { js: path.join(dir, 'idle.mjs'), ts: path.join(dir, 'idle.ts') }
}

function smapsRollup(pid: number): { rssKiB: number; anonKiB: number } {
  const text = fs.readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8')
  const kib = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? 0)
  return { rssKiB: kib('Rss'), anonKiB: kib('Anonymous') }
}

function threadCount(pid: number): number {
  return Number(/^Threads:\s+(\d+)/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0)
}

/** A gauge without labels from the Prometheus text (under the server's `quill_` prefix or none), in KiB. */
function gauge(text: string | null, name: string): number | null {
  const m = text ? new RegExp(`^(?:quill_)?${name} ([0-9.e+]+)`, 'm').exec(text) : null
  return m ? Number(m[1]) / 1024 : null
}

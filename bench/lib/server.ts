/**
 * The real server in its own process, with SQLite in a temp folder: by
 * default its source under tsx (`node --import tsx server/main.ts`, as the
 * benchmarks have always run it, so their figures stay comparable), or
 * compiled (`node dist/server/main.js`, as `npm start` runs it). The bench
 * reads its CPU and memory from /proc by pid, and can start it with
 * `--cpu-prof` to see where its time goes.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { HealthResponse } from '../../shared/apiTypes.ts'
import { compiledServer } from './compiled.ts'
import { nowUs } from './clock.ts'
import { sampleProc, type ProcSample } from './proc.ts'

const ROOT = path.resolve(import.meta.dirname, '../..')

export interface BenchServerOptions {
  /** Extra environment (over the bench defaults below). */
  env?: Record<string, string>
  /** Reuse a data folder (restart tests); a fresh temp folder otherwise. */
  dataDir?: string
  /** Write a V8 CPU profile of the whole server run into this folder. */
  profileDir?: string
  /** Extra node flags (e.g. --heapsnapshot-signal=SIGUSR2 for a memory diagnosis). */
  nodeArgs?: string[]
  /** `tsx` (the default) runs server/main.ts through tsx; `compiled` runs the JavaScript that `npm run build` makes. */
  build?: ServerBuild
}

export type ServerBuild = 'tsx' | 'compiled'

export interface BenchServer {
  pid: number
  url: string
  wsUrl: string
  dataDir: string
  /** From spawn to its READY line. */
  readyMs: number
  sample(): ProcSample
  health(): Promise<HealthResponse>
  /** SIGTERM (the server stores every room), then wait for the exit. */
  stop(): Promise<void>
  /** Output so far, for error messages. */
  output(): string
}

/**
 * Limits that would refuse the bench's own load: every client comes from
 * 127.0.0.1, and the AI limits are per person and per server.
 */
export const BENCH_ENV: Record<string, string> = {
  HOST: '127.0.0.1',
  PORT: '0',
  STORAGE: 'sqlite',
  LOG_LEVEL: 'warn',
  MAX_CONNECTIONS_PER_IP: '1000000',
  MAX_CONNECTIONS_PER_DOC: '100000',
}

/** Servers still running, killed if the coordinator exits without stopping them (a crash, an EPIPE). */
const running = new Set<ChildProcess>()
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL')
})

export function benchTempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `quill-bench-${prefix}-`))
}

export async function startBenchServer(opts: BenchServerOptions = {}): Promise<BenchServer> {
  const dataDir = opts.dataDir ?? benchTempDir('data')
  const compiled = opts.build === 'compiled'
  const args = [...(compiled ? [] : ['--import', 'tsx']), ...(opts.nodeArgs ?? [])]
  if (opts.profileDir) {
    fs.mkdirSync(opts.profileDir, { recursive: true })
    args.push('--cpu-prof', `--cpu-prof-dir=${opts.profileDir}`)
  }
  args.push(compiled ? await compiledServer() : path.join(ROOT, 'server/main.ts'))
  const startedUs = nowUs()
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    // The compiled tree has no client of its own: both builds serve the checkout's.
    env: { ...process.env, ...BENCH_ENV, STATIC_DIR: path.join(ROOT, 'dist/client'), DATA_DIR: dataDir, ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  running.add(child)
  let out = ''
  const append = (d: Buffer) => {
    // Keep the tail only: a warning per refused socket could grow without bound.
    out = (out + d.toString()).slice(-20_000)
  }
  child.stdout!.on('data', append)
  child.stderr!.on('data', append)
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      running.delete(child)
      resolve(code)
    }),
  )
  const url = await waitReady(child, exited, () => out)
  const readyMs = (nowUs() - startedUs) / 1000
  const port = new URL(url).port
  return {
    pid: child.pid!,
    url,
    readyMs,
    wsUrl: `ws://127.0.0.1:${port}/api/collab`,
    dataDir,
    sample: () => sampleProc(child.pid!),
    health: async () => (await (await fetch(`${url}/api/health`)).json()) as HealthResponse,
    stop: async () => {
      if (child.exitCode !== null) return
      child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000)
      await exited
      clearTimeout(timer)
    },
    output: () => out,
  }
}

function waitReady(child: ChildProcess, exited: Promise<number | null>, output: () => string): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start in 30 s:\n${output()}`)), 30_000)
    const onData = () => {
      const m = /READY (http:\/\/\S+)/.exec(output())
      if (!m) return
      clearTimeout(timer)
      child.stdout!.off('data', onData)
      resolve(m[1]!)
    }
    child.stdout!.on('data', onData)
    void exited.then((code) => {
      clearTimeout(timer)
      reject(new Error(`server exited (code ${code}) before it was ready:\n${output()}`))
    })
  })
}

/**
 * The main thread's profile of the newest server run in a folder. `--cpu-prof`
 * writes one file per thread (CPU.<date>.<time>.<pid>.<thread>.<seq>); tsx's
 * loader thread is thread 1.
 */
export function newestProfile(dir: string): string | null {
  if (!fs.existsSync(dir)) return null
  const files = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.cpuprofile'))
    .map((f) => ({ file: path.join(dir, f), mtime: fs.statSync(path.join(dir, f)).mtimeMs, parts: f.split('.') }))
    .sort((a, b) => b.mtime - a.mtime)
  const newest = files[0]
  if (!newest) return null
  const pid = newest.parts[3]
  return files.find((f) => f.parts[3] === pid && f.parts[4] === '0')?.file ?? newest.file
}

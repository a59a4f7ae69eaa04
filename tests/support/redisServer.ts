/**
 * A throwaway redis-server for one test file: the system's binary, on a free
 * port of 127.0.0.1, in a temp folder, with no persistence. It never touches
 * a Redis the machine already runs (6379). Fault tests kill it (SIGKILL) and
 * start it again on the same port, so clients reconnect to "the same" Redis.
 *
 * Without the binary, tests are skipped locally with one printed line; in CI
 * (`CI` set) they must run, so a missing binary fails instead.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import net from 'node:net'
import path from 'node:path'
import { tempDir } from './tempDir.ts'

/** REDIS_SERVER names the binary; otherwise the first on PATH, then the Debian locations. */
function candidates(): string[] {
  if (process.env.REDIS_SERVER) return [process.env.REDIS_SERVER]
  const onPath = (process.env.PATH ?? '').split(path.delimiter).filter(Boolean).map((dir) => path.join(dir, 'redis-server'))
  return [...onPath, '/usr/bin/redis-server', '/usr/sbin/redis-server']
}

export function findRedisServer(): string | null {
  return candidates().find((p) => fs.existsSync(p)) ?? null
}

const MISSING = 'no redis-server binary (install the distribution\'s redis-server package, or set REDIS_SERVER to its path)'

/** Why this machine cannot run the Redis tests, or null when it can (always null in CI). */
export function redisSkipReason(): string | null {
  if (process.env.CI) return null
  if (!findRedisServer()) return MISSING
  return null
}

/** Call at the top of a test file that needs Redis: prints why it is skipped, if it is. */
export function announceRedisSkip(file: string): boolean {
  const reason = redisSkipReason()
  if (reason) console.warn(`[redis tests] skipping ${file}: ${reason}`)
  return reason !== null
}

export interface RedisServer {
  url: string
  port: number
  /** Graceful shutdown (SIGTERM); resolves when the process has exited. */
  stop(): Promise<void>
  /** SIGKILL, as a crash or an OOM kill would; resolves when it has exited. */
  kill(): Promise<void>
  /** SIGSTOP: the process stays, its sockets stay open, and it answers nothing (a stall, or a partition). */
  pause(): void
  /** SIGCONT after `pause`. */
  resume(): void
  /** Start again on the same port (after stop or kill). */
  start(): Promise<void>
  /** Kill if running and remove the temp folder. */
  cleanup(): Promise<void>
}

// A test worker that dies mid-test must not leave servers behind.
const running = new Set<ChildProcess>()
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL')
})

export async function startRedis(): Promise<RedisServer> {
  const binary = findRedisServer()
  if (!binary) {
    throw new Error(`CI must run the Redis tests, but there is ${MISSING}.`)
  }
  const dir = tempDir('quill-redis-')
  const port = await freePort()
  let child: ChildProcess | null = null

  const launch = async () => {
    child = await spawnRedis(binary, port, dir)
  }
  const signal = async (sig: NodeJS.Signals) => {
    const c = child
    if (!c) return
    child = null
    if (c.exitCode === null && c.signalCode === null) {
      const exited = new Promise<void>((resolve) => c.once('exit', () => resolve()))
      c.kill(sig)
      await exited
    }
    running.delete(c)
  }

  await launch()
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    stop: () => signal('SIGTERM'),
    pause: () => void child?.kill('SIGSTOP'),
    resume: () => void child?.kill('SIGCONT'),
    kill: () => signal('SIGKILL'),
    start: async () => {
      if (child) throw new Error('redis-server is already running')
      await launch()
    },
    cleanup: async () => {
      await signal('SIGKILL')
      fs.rmSync(dir, { recursive: true, force: true })
    },
  }
}

async function spawnRedis(binary: string, port: number, dir: string): Promise<ChildProcess> {
  const args = [
    '--port', String(port),
    '--bind', '127.0.0.1',
    '--dir', dir,
    '--save', '',
    '--appendonly', 'no',
    '--daemonize', 'no',
    '--logfile', '',
  ]
  const child = spawn(binary, args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] })
  running.add(child)
  let output = ''
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error('did not report ready within 10 s')), 10_000)
    const onData = (chunk: Buffer) => {
      output += chunk.toString()
      if (!output.includes('Ready to accept connections')) return
      settle()
      resolve()
    }
    const onExit = (code: number | null, sig: string | null) => fail(new Error(`exited early (code ${code}, signal ${sig})`))
    const settle = () => {
      clearTimeout(timer)
      child.stdout!.off('data', onData)
      child.stderr!.off('data', onData)
      child.off('error', fail)
      child.off('exit', onExit)
      // Keep draining its output so a chatty server never blocks on a full pipe.
      child.stdout!.resume()
      child.stderr!.resume()
    }
    function fail(err: Error) {
      settle()
      child.kill('SIGKILL')
      running.delete(child)
      reject(new Error(`redis-server on port ${port}: ${err.message}\n${output}`))
    }
    child.stdout!.on('data', onData)
    child.stderr!.on('data', onData)
    child.once('error', fail)
    child.once('exit', onExit)
  })
  return child
}

/** A port the kernel just handed out; redis-server binds it right after. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer()
    srv.once('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo
      srv.close(() => resolve(port))
    })
  })
}

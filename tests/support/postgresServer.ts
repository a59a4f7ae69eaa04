/**
 * A throwaway PostgreSQL for tests, started from the system's binaries
 * (Debian's `postgresql` package) in a temp folder, on an ephemeral port of
 * 127.0.0.1, with its unix sockets in that folder. It never touches the
 * machine's own cluster (port 5432, /var/run/postgresql).
 *
 * initdb takes seconds, so share one cluster per test file and give each
 * store a database of its own (`createDatabase`).
 *
 * PostgreSQL refuses to run as root: as root, the folder goes to the
 * `postgres` user and every binary runs through `setpriv` (which execs, so
 * the pid we hold is the postmaster's own). The postmaster is spawned as a
 * process-group leader, so `kill()` takes its backends down with it, as a
 * crash of the database machine would.
 *
 * Without the binaries, test files skip with one printed line, except in CI
 * (`CI` set), where they must run and so fail.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import net from 'node:net'
import path from 'node:path'
import pg from 'pg'
import { tempDir } from './tempDir.ts'
import { waitFor } from './wait.ts'

export interface PostgresOptions {
  /**
   * fsync of the WAL. Off is faster but a crash test would then test
   * nothing, so it is on unless a test opts out.
   */
  fsync?: boolean
}

export interface TestPostgres {
  /** postgres://postgres@127.0.0.1:<port>/postgres (the maintenance database). */
  url: string
  port: number
  /** The temp folder: data in `data/`, sockets and logs beside it. */
  dir: string
  /** A new empty database; resolves with its URL. */
  createDatabase(name: string): Promise<string>
  /** Fast shutdown: running transactions roll back, then it exits cleanly. */
  stop(): Promise<void>
  /** SIGKILL the postmaster and its backends, as a crash would. */
  kill(): Promise<void>
  /** Start again on the same data folder and port (after stop or kill). */
  start(): Promise<void>
  /** Stop it and remove the folder. */
  cleanup(): Promise<void>
}

const BIN_NAMES = ['initdb', 'postgres'] as const
type BinName = (typeof BIN_NAMES)[number]

/**
 * POSTGRES_BIN_DIR if set (only there), else PATH, then Debian's versioned
 * folders (newest first), which are not on PATH.
 */
function findBin(name: BinName): string | null {
  const only = process.env.POSTGRES_BIN_DIR
  if (only) return isExecutable(path.join(only, name)) ? path.join(only, name) : null
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const candidate = path.join(dir, name)
    if (dir && isExecutable(candidate)) return candidate
  }
  const root = '/usr/lib/postgresql'
  const versions = fs.existsSync(root) ? fs.readdirSync(root).sort((a, b) => Number(b) - Number(a)) : []
  for (const v of versions) {
    const candidate = path.join(root, v, 'bin', name)
    if (isExecutable(candidate)) return candidate
  }
  return null
}

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK)
    return fs.statSync(file).isFile()
  } catch {
    return false
  }
}

function missingBins(): BinName[] {
  return BIN_NAMES.filter((n) => findBin(n) === null)
}

/** Why this machine cannot run the PostgreSQL tests, or null when it can (always null in CI). */
export function postgresSkipReason(): string | null {
  if (process.env.CI) return null
  const missing = missingBins()
  if (missing.length > 0) return `no ${missing.join(' or ')} found${process.env.POSTGRES_BIN_DIR ? ` in POSTGRES_BIN_DIR=${process.env.POSTGRES_BIN_DIR}` : ''} (apt-get install postgresql)`
  return null
}

/** Call at the top of a test file that needs PostgreSQL: prints why the file is skipped, if it is. */
export function announcePostgresSkip(file: string): boolean {
  const reason = postgresSkipReason()
  if (reason) console.warn(`[postgres tests] skipping ${file}: ${reason}`)
  return reason !== null
}

const isRoot = process.getuid?.() === 0

/** As root, run as the unprivileged `postgres` user (PostgreSQL refuses root). */
function asPostgresUser(cmd: string, args: string[]): [string, string[]] {
  if (!isRoot) return [cmd, args]
  return ['setpriv', ['--reuid=postgres', '--regid=postgres', '--init-groups', '--', cmd, ...args]]
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer()
    srv.once('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo
      srv.close(() => resolve(port))
    })
  })
}

function initCluster(dir: string, dataDir: string): void {
  if (isRoot) {
    const chown = spawnSync('chown', ['-R', 'postgres:postgres', dir], { encoding: 'utf8' })
    if (chown.status !== 0) throw new Error(`chown of ${dir} to postgres failed (is there a postgres user?): ${chown.stderr}`)
  }
  // --no-sync: initdb's own fsyncs; the server's fsync is a runtime setting.
  const [cmd, args] = asPostgresUser(findBin('initdb')!, ['-D', dataDir, '-U', 'postgres', '--auth=trust', '--encoding=UTF8', '--no-locale', '--no-sync'])
  const init = spawnSync(cmd, args, { encoding: 'utf8', cwd: dir })
  if (init.status !== 0) throw new Error(`initdb failed:\n${init.stdout}\n${init.stderr}`)
}

export async function startPostgres(opts: PostgresOptions = {}): Promise<TestPostgres> {
  const missing = missingBins()
  if (missing.length > 0) {
    throw new Error(`No ${missing.join(' or ')} found, and CI must run the PostgreSQL tests: install it (apt-get install postgresql).`)
  }
  const dir = tempDir('quill-pg-')
  const dataDir = path.join(dir, 'data')
  initCluster(dir, dataDir)
  const port = await freePort()
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`
  const settings = {
    listen_addresses: '127.0.0.1',
    port: String(port),
    unix_socket_directories: dir,
    fsync: opts.fsync === false ? 'off' : 'on',
    synchronous_commit: 'on',
    full_page_writes: opts.fsync === false ? 'off' : 'on',
    max_connections: '200',
    shared_buffers: '32MB',
    // Nothing replicates from a test cluster: the least WAL that still recovers.
    wal_level: 'minimal',
    max_wal_senders: '0',
    log_min_messages: 'warning',
  }
  const args = ['-D', dataDir, ...Object.entries(settings).flatMap(([k, v]) => ['-c', `${k}=${v}`])]
  let child: ChildProcess | null = null
  let log = ''

  const killGroup = () => {
    if (child?.pid && child.exitCode === null && child.signalCode === null) {
      try {
        process.kill(-child.pid, 'SIGKILL')
      } catch {
        // Already gone.
      }
    }
  }
  // A test worker that dies must not leave a postmaster behind.
  process.on('exit', killGroup)

  const exited = (c: ChildProcess) =>
    new Promise<void>((resolve) => (c.exitCode !== null || c.signalCode !== null ? resolve() : c.once('exit', () => resolve())))

  const start = async () => {
    const [cmd, argv] = asPostgresUser(findBin('postgres')!, args)
    // After a kill, orphaned backends may hold shared memory a moment longer.
    const deadline = Date.now() + 15_000
    for (;;) {
      log = ''
      const c = spawn(cmd, argv, { detached: true, stdio: ['ignore', 'ignore', 'pipe'] })
      c.stderr!.on('data', (d: Buffer) => (log += d.toString()))
      child = c
      const up = await whenAccepting(url, c, deadline)
      if (up) return
      await exited(c)
      if (Date.now() > deadline) throw new Error(`postgres did not start on port ${port}:\n${log}`)
      await new Promise((r) => setTimeout(r, 200))
    }
  }

  const stop = async () => {
    const c = child
    if (!c || c.exitCode !== null || c.signalCode !== null) return
    c.kill('SIGINT') // fast shutdown
    await exited(c)
  }

  const kill = async () => {
    const c = child
    if (!c) return
    killGroup()
    await exited(c)
  }

  await start()
  return {
    url,
    port,
    dir,
    async createDatabase(name) {
      const client = new pg.Client({ connectionString: url })
      await client.connect()
      try {
        await client.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`)
      } finally {
        await client.end()
      }
      return `postgres://postgres@127.0.0.1:${port}/${encodeURIComponent(name)}`
    },
    stop,
    kill,
    start,
    async cleanup() {
      await stop()
      process.off('exit', killGroup)
      fs.rmSync(dir, { recursive: true, force: true })
    },
  }
}

/** True once a query succeeds; false if the process exits first (port taken, shared memory busy). */
async function whenAccepting(url: string, child: ChildProcess, deadline: number): Promise<boolean> {
  let gone = false
  child.once('exit', () => (gone = true))
  try {
    await waitFor(
      async () => {
        if (gone) return true
        const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1000 })
        client.on('error', () => {})
        try {
          await client.connect()
          await client.query('SELECT 1')
          return true
        } catch {
          return false
        } finally {
          await client.end().catch(() => {})
        }
      },
      'postgres accepting connections',
      Math.max(1000, deadline - Date.now()),
      50,
    )
  } catch {
    return false
  }
  return !gone
}

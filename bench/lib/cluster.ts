/**
 * A cluster for the scale benchmark: instances of the real server, each in
 * its own process (`startBenchServer`, as every other benchmark runs it), on
 * a fresh database of the tests' throwaway PostgreSQL (fsync on, as in
 * production) and, for several instances, the tests' throwaway Redis
 * (tests/support). The services are started once per benchmark
 * (`startServices`: initdb takes seconds) and shared by its clusters.
 *
 * `serviceCpuMs` reads the CPU of PostgreSQL (the postmaster and its
 * children: backends, WAL writer, checkpointer) and of redis-server from
 * /proc, so a figure per update can include the database's share of the
 * work, which runs on the same two cores.
 */
import fs from 'node:fs'
import path from 'node:path'
import { startPostgres, type TestPostgres } from '../../tests/support/postgresServer.ts'
import { startRedis, type RedisServer } from '../../tests/support/redisServer.ts'
import { startBenchServer, type BenchServer } from './server.ts'
import { sampleProc } from './proc.ts'

export interface ClusterOptions {
  instances: number
  /** A Redis bus between the instances (required for more than one). */
  redis: boolean
  /** Extra environment for every instance. */
  env?: Record<string, string>
  /** Start instance i with --cpu-prof into this folder (when given). */
  profileDir?: (i: number) => string
}

export interface Services {
  pg: TestPostgres
  redis: RedisServer
  stop(): Promise<void>
}

export async function startServices(): Promise<Services> {
  const [pg, redis] = await Promise.all([startPostgres({ fsync: true }), startRedis()])
  return {
    pg,
    redis,
    stop: async () => {
      await redis.cleanup()
      await pg.cleanup()
    },
  }
}

export interface Cluster {
  redis: RedisServer | null
  databaseUrl: string
  servers: BenchServer[]
  /** Cumulative CPU ms of PostgreSQL's processes and (when used) redis-server, for the processes alive now. */
  serviceCpuMs(): number
  /** Stop the instances (the services stay). */
  stop(): Promise<void>
}

let databases = 0

export async function startCluster(services: Services, o: ClusterOptions): Promise<Cluster> {
  if (o.instances > 1 && !o.redis) throw new Error('several instances need the Redis bus')
  const { pg } = services
  const redis = o.redis ? services.redis : null
  const servers: BenchServer[] = []
  try {
    const databaseUrl = await pg.createDatabase(`bench${++databases}`)
    const env = { STORAGE: 'postgres', DATABASE_URL: databaseUrl, ...(redis ? { REDIS_URL: redis.url } : {}), ...o.env }
    const start = (i: number) => startBenchServer({ env, ...(o.profileDir ? { profileDir: o.profileDir(i) } : {}) })
    // The first alone creates the schema; the others then start together
    // (concurrent migrations are safe, but this keeps start-up out of the figures' noise).
    servers.push(await start(0))
    const rest = await Promise.allSettled(Array.from({ length: o.instances - 1 }, (_, i) => start(i + 1)))
    for (const r of rest) if (r.status === 'fulfilled') servers.push(r.value)
    const failed = rest.find((r) => r.status === 'rejected')
    if (failed) throw failed.reason
    return {
      redis,
      databaseUrl,
      servers,
      serviceCpuMs: () => servicePids(pg, redis).reduce((n, pid) => n + cpuOf(pid), 0),
      stop: async () => void (await Promise.all(servers.map((s) => s.stop()))),
    }
  } catch (err) {
    await Promise.all(servers.map((s) => s.stop()))
    throw err
  }
}

export function cpuOf(pid: number): number {
  try {
    return sampleProc(pid).cpuMs
  } catch {
    return 0 // exited between the listing and the read
  }
}

/** PostgreSQL's processes (the postmaster and its children) and redis-server. */
export function servicePids(pg: TestPostgres, redis: RedisServer | null): number[] {
  const dataDir = path.join(pg.dir, 'data')
  const procs: { pid: number; ppid: number; cmd: string }[] = []
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue
    try {
      const stat = fs.readFileSync(`/proc/${name}/stat`, 'utf8')
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1])
      const cmd = fs.readFileSync(`/proc/${name}/cmdline`, 'utf8').replaceAll('\0', ' ')
      procs.push({ pid: Number(name), ppid, cmd })
    } catch {
      // Gone already.
    }
  }
  // Backends call setsid(), so they are found by their parent, not their group.
  const postmaster = procs.find((p) => p.cmd.includes(`-D ${dataDir} `))
  const pgPids = postmaster ? [postmaster.pid, ...procs.filter((p) => p.ppid === postmaster.pid).map((p) => p.pid)] : []
  const redisPids = redis ? procs.filter((p) => p.cmd.includes('redis-server') && (p.cmd.includes(`:${redis.port}`) || p.cmd.includes(`--port ${redis.port}`))).map((p) => p.pid) : []
  return [...pgPids, ...redisPids]
}

/**
 * A cluster for the scale benchmark: the tests' throwaway PostgreSQL (fsync
 * on, as in production) and, for several instances, their throwaway Redis
 * (tests/support), with each instance the real server in its own process
 * (`startBenchServer`, as every other benchmark runs it).
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

export interface Cluster {
  pg: TestPostgres
  redis: RedisServer | null
  databaseUrl: string
  servers: BenchServer[]
  /** Cumulative CPU ms of PostgreSQL's processes and redis-server (processes alive now). */
  serviceCpuMs(): number
  stop(): Promise<void>
}

let databases = 0

export async function startCluster(o: ClusterOptions): Promise<Cluster> {
  if (o.instances > 1 && !o.redis) throw new Error('several instances need the Redis bus')
  const [pg, redis] = await Promise.all([startPostgres({ fsync: true }), o.redis ? startRedis() : Promise.resolve(null)])
  const servers: BenchServer[] = []
  try {
    const databaseUrl = await pg.createDatabase(`bench${++databases}`)
    const env = { STORAGE: 'postgres', DATABASE_URL: databaseUrl, ...(redis ? { REDIS_URL: redis.url } : {}), ...o.env }
    // One after another: the first creates the schema, the others find it.
    for (let i = 0; i < o.instances; i++) servers.push(await startBenchServer({ env, ...(o.profileDir ? { profileDir: o.profileDir(i) } : {}) }))
    return {
      pg,
      redis,
      databaseUrl,
      servers,
      serviceCpuMs: () => servicePids(pg, redis).reduce((n, pid) => n + cpuOf(pid), 0),
      stop: async () => {
        await Promise.all(servers.map((s) => s.stop()))
        await redis?.cleanup()
        await pg.cleanup()
      },
    }
  } catch (err) {
    await Promise.all(servers.map((s) => s.stop()))
    await redis?.cleanup()
    await pg.cleanup()
    throw err
  }
}

function cpuOf(pid: number): number {
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

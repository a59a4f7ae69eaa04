/**
 * Three in-process instances on one throwaway PostgreSQL and Redis, with AI
 * against one fake OpenAI server, behind a throwaway nginx running the
 * README's configuration (round-robin, no stickiness). An instance can be
 * restarted on its port, so nginx keeps sending to it, as in a rolling
 * deploy. Shared by the nginx scale tests.
 */
import { DOC_FIELD } from '../../shared/editorSchema.ts'
import { startFakeOpenAI, type FakeOpenAI } from '../support/fakeOpenAI.ts'
import { announceNginxSkip, startNginx, type TestNginx } from '../support/nginxServer.ts'
import { announcePostgresSkip, startPostgres, type TestPostgres } from '../support/postgresServer.ts'
import { announceRedisSkip, startRedis, type RedisServer } from '../support/redisServer.ts'
import { startServer, type TestServer } from '../support/servers.ts'
import { waitFor } from '../support/wait.ts'
import { AI_ENV, AI_TIMINGS, redisBackbone } from './aiInstances.ts'
import { storedDoc } from './instances.ts'

/** Prints one line and returns true when this machine lacks PostgreSQL, Redis or nginx (never in CI). */
export function announceNginxStackSkip(file: string): boolean {
  return announcePostgresSkip(file) || announceRedisSkip(file) || announceNginxSkip(file)
}

export interface NginxStack {
  pg: TestPostgres
  redis: RedisServer
  upstream: FakeOpenAI
  /** servers[i] is replaced by `restart(i)`. */
  servers: TestServer[]
  nginx: TestNginx
  /** Drain instance i (its AI jobs finish), close it, and start a new one on its port. */
  restart(i: number): Promise<void>
  close(): Promise<void>
}

export async function startNginxStack(count = 3, env: Record<string, string> = {}): Promise<NginxStack> {
  const [pg, redis, upstream] = await Promise.all([startPostgres({ fsync: false }), startRedis(), startFakeOpenAI()])
  const databaseUrl = await pg.createDatabase('nginx')
  const backbone = redisBackbone(redis.url, 'nginx:')
  const instance = async (port: number) => {
    const [bus, aiEvents, aiAdmission] = await Promise.all([backbone.bus(), backbone.events(), backbone.admission()])
    const settings = { STORAGE: 'postgres', DATABASE_URL: databaseUrl, OPENAI_BASE_URL: upstream.url, TRUST_PROXY: 'true', ...AI_ENV, ...env }
    return startServer({ ...settings, PORT: String(port) }, { bus, aiEvents, aiAdmission, clusterTimings: AI_TIMINGS })
  }
  const servers = await Promise.all(Array.from({ length: count }, () => instance(0)))
  const nginx = await startNginx(servers.map((s) => s.port))
  return {
    pg,
    redis,
    upstream,
    servers,
    nginx,
    async restart(i) {
      const old = servers[i]!
      await old.server.drain()
      await old.close()
      servers[i] = await instance(old.port)
    },
    async close() {
      await nginx.close()
      await Promise.all(servers.map((s) => s.close()))
      await upstream.close()
      await redis.cleanup()
      await pg.cleanup()
    },
  }
}

/**
 * Until `docId`'s first paragraph is stored and in every instance's room. An
 * AI job may start on an instance that has not heard of the paragraph its
 * anchor points into (400); an editor waits for "Saved" likewise.
 */
export function paragraphStored(servers: readonly TestServer[], docId: string): Promise<boolean> {
  return waitFor(async () => {
    const rooms = servers.flatMap((s) => s.server.context.registry.get(docId)?.doc ?? [])
    const docs = [await storedDoc(servers[0]!, docId), ...rooms]
    return docs.every((d) => d.getXmlFragment(DOC_FIELD).length >= 1)
  }, `the paragraph of ${docId} stored and on every instance`)
}

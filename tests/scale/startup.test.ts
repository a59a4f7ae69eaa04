/**
 * REDIS_URL at start-up: validated with the config (a redis URL, and only
 * with STORAGE=postgres), never echoed with its password, and an
 * unreachable Redis stops `npm start` with one line. Without it the server
 * is one instance with no bus, as before.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ConfigError, loadConfig } from '../../server/config.ts'
import { announcePostgresSkip, startPostgres, type TestPostgres } from '../support/postgresServer.ts'
import { spawnServer, startServer } from '../support/servers.ts'

const skip = announcePostgresSkip('tests/scale/startup.test.ts (unreachable Redis)')

function configError(env: Record<string, string>): string {
  try {
    loadConfig(env)
  } catch (err) {
    if (err instanceof ConfigError) return err.message
    throw err
  }
  throw new Error('expected a ConfigError')
}

describe('REDIS_URL', () => {
  const pg = { STORAGE: 'postgres', DATABASE_URL: 'postgres://quill@db/docs' }

  it('must be a redis:// or rediss:// URL, and needs STORAGE=postgres', () => {
    expect(configError({ ...pg, REDIS_URL: 'http://cache:6379' })).toMatch(/REDIS_URL: must be a redis:\/\/ or rediss:\/\/ URL/)
    expect(configError({ ...pg, REDIS_URL: 'not a url' })).toMatch(/REDIS_URL/)
    expect(configError({ REDIS_URL: 'redis://cache:6379' })).toMatch(/REDIS_URL is set but STORAGE is sqlite: several instances need a shared store/)
    expect(loadConfig({ ...pg, REDIS_URL: 'rediss://u:p@cache:6380/2' }).redisUrl).toBe('rediss://u:p@cache:6380/2')
    expect(loadConfig({}).redisUrl).toBeNull()
  })

  it('unset: one instance, no bus, and health says so', async () => {
    const s = await startServer()
    try {
      expect(s.server.context.bus).toBeNull()
      const res = await fetch(`${s.url}/api/health`)
      expect(res.status).toBe(200)
      expect(((await res.json()) as { bus: string }).bus).toBe('none')
    } finally {
      await s.close()
    }
  })
})

describe.skipIf(skip)('an unreachable Redis at start-up', () => {
  let server: TestPostgres
  beforeAll(async () => {
    server = await startPostgres({ fsync: false })
  })
  afterAll(async () => {
    await server?.cleanup()
  })

  it('stops `npm start` with one line naming the host, not the password', async () => {
    const url = await server.createDatabase('startup')
    const failed = await spawnServer({ STORAGE: 'postgres', DATABASE_URL: url, REDIS_URL: 'redis://quill:sekrit@127.0.0.1:1' }).then(
      () => null,
      (err: Error) => err.message,
    )
    expect(failed).toContain('Redis at redis://quill:***@127.0.0.1:1')
    expect(failed).toContain('unreachable')
    expect(failed).not.toContain('sekrit')
    // spawnServer's own first line, then the server's one line.
    expect(failed!.trim().split('\n')).toHaveLength(2)
  })
})

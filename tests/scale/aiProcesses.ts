/**
 * Instances as child processes (`server/main.ts`, as `npm start` runs it) on
 * one throwaway PostgreSQL and Redis, with AI against one fake OpenAI server:
 * for the tests that SIGKILL or SIGTERM an instance mid-job.
 */
import { spawnServer, tempDir, type SpawnedServer } from '../support/servers.ts'
import { AI_ENV } from './aiInstances.ts'

export async function spawnAiInstances(count: number, databaseUrl: string, redisUrl: string, upstreamUrl: string, env: Record<string, string> = {}): Promise<SpawnedServer[]> {
  return Promise.all(
    Array.from({ length: count }, () =>
      spawnServer({ STORAGE: 'postgres', DATABASE_URL: databaseUrl, REDIS_URL: redisUrl, DATA_DIR: tempDir(), OPENAI_BASE_URL: upstreamUrl, ...AI_ENV, ...env }),
    ),
  )
}

/** SIGKILL whatever is still running (after a test). */
export async function killAll(servers: SpawnedServer[]): Promise<void> {
  await Promise.all(
    servers.map(async (s) => {
      if (s.child.exitCode === null && s.child.signalCode === null) s.child.kill('SIGKILL')
      await s.exited
    }),
  )
}

/**
 * SIGKILL of an instance with writes in flight, over seeded rounds: three
 * instances run as real child processes (as `npm start` would) on one
 * PostgreSQL database and one Redis, six clients spread over them type
 * without pause, and each round one instance, picked by the seed, is killed
 * at a seeded moment. No update that any client saw from another may be
 * lost: the survivors converge on it, a late joiner receives it, and the
 * store holds it. The killed instance's clients then reconnect to a
 * survivor, as a load balancer would send them, and what only they had
 * arrives too, so every word typed is everywhere. The killed instance is
 * started again, and its clients return to it, for the next round.
 */
import * as Y from 'yjs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { PostgresStore } from '../../server/storage/postgres.ts'
import { DOC_FIELD } from '../../shared/editorSchema.ts'
import { connectSynced, fragmentText, type TestClient } from '../support/clients.ts'
import { announcePostgresSkip, startPostgres, type TestPostgres } from '../support/postgresServer.ts'
import { announceRedisSkip, startRedis, type RedisServer } from '../support/redisServer.ts'
import { spawnServer, tempDir, type SpawnedServer } from '../support/servers.ts'
import { rng, sleep, waitFor } from '../support/wait.ts'
import { randomEdit } from './instances.ts'

const skip = announcePostgresSkip('tests/scale/instanceKill.test.ts') || announceRedisSkip('tests/scale/instanceKill.test.ts')

const DOC = 'sigkill'
const ROUNDS = 3
const PER_INSTANCE = 2

/** Words are `r<round>c<client>x<n>`; the client index that typed it. */
const authorOf = (word: string): number => Number(/c(\d+)x\d+$/.exec(word)![1])

/** The words in `c`'s document that another client typed: they reached it through a server, so they were stored. */
function seenFromOthers(c: TestClient, me: number, round: number): string[] {
  return [...c.text().matchAll(new RegExp(`r${round}c\\d+x\\d+`, 'g'))].map((m) => m[0]).filter((w) => authorOf(w) !== me)
}

function sameDoc(clients: TestClient[]): boolean {
  const sv = Y.encodeStateVector(clients[0]!.doc).toString()
  return clients.every((c) => Y.encodeStateVector(c.doc).toString() === sv && c.text() === clients[0]!.text())
}

describe.skipIf(skip)('SIGKILL of an instance with writes in flight', () => {
  let pg: TestPostgres
  let redis: RedisServer
  let env: Record<string, string>
  const instances: SpawnedServer[] = []
  const all: TestClient[] = []
  beforeAll(async () => {
    ;[pg, redis] = await Promise.all([startPostgres({ fsync: false }), startRedis()])
    env = { STORAGE: 'postgres', DATABASE_URL: await pg.createDatabase('sigkill'), REDIS_URL: redis.url }
  })
  afterAll(async () => {
    for (const c of all) c.destroy()
    for (const s of instances) if (s.child.exitCode === null && s.child.signalCode === null) s.child.kill('SIGKILL')
    await redis?.cleanup()
    await pg?.cleanup()
  })

  const spawn = () => spawnServer({ ...env, DATA_DIR: tempDir() })
  const connect = async (server: SpawnedServer): Promise<TestClient> => {
    const c = await connectSynced(server.wsUrl, DOC)
    all.push(c)
    return c
  }

  it('loses no update that any client saw (nor, once its clients reconnect, any typed), over seeded rounds', { timeout: 90_000 }, async () => {
    instances.push(...(await Promise.all([spawn(), spawn(), spawn()])))
    // clients[i] is on instances[Math.floor(i / PER_INSTANCE)].
    const clients: TestClient[] = []
    for (const s of instances) for (let k = 0; k < PER_INSTANCE; k++) clients.push(await connect(s))
    const kept = new Set<string>()

    for (let round = 0; round < ROUNDS; round++) {
      const random = rng(1000 + round)
      const victim = Math.floor(random() * instances.length)
      const onVictim = (i: number) => Math.floor(i / PER_INSTANCE) === victim
      let typing = true
      const words: string[] = []
      const typed = (async () => {
        for (let n = 0; typing; n++) {
          for (const [i, c] of clients.entries()) {
            words.push(`r${round}c${i}x${n}`)
            randomEdit(c.doc, random, words.at(-1)!, true)
          }
          await sleep(5 + Math.floor(random() * 15))
        }
      })()
      await sleep(150 + Math.floor(random() * 350))
      instances[victim]!.child.kill('SIGKILL')
      await instances[victim]!.exited
      // The survivors keep writing a moment after the kill.
      await sleep(100 + Math.floor(random() * 200))
      typing = false
      await typed

      // What anyone saw, including the killed instance's own clients.
      const seen = new Set(clients.flatMap((c, i) => seenFromOthers(c, i, round)))
      for (const w of seen) kept.add(w)
      const survivors = clients.filter((_, i) => !onVictim(i))
      const missing = (text: string) => [...seen].filter((w) => !text.includes(`${w} `))
      await waitFor(() => sameDoc(survivors) && missing(survivors[0]!.text()).length === 0, `round ${round}: the survivors converge on everything seen`, 15_000, 50)
      const lateJoiner = await connect(instances[(victim + 1) % instances.length]!)
      expect(missing(lateJoiner.text())).toEqual([])
      expect(seen.size).toBeGreaterThan(0)

      // The killed instance's clients reconnect to a survivor and resend what it never stored.
      const moved = clients.filter((_, i) => onVictim(i))
      for (const c of moved) c.provider.serverUrl = instances[(victim + 1) % instances.length]!.wsUrl
      const everywhere = [...clients, lateJoiner]
      await waitFor(() => sameDoc(everywhere) && words.every((w) => lateJoiner.text().includes(`${w} `)), `round ${round}: every typed word everywhere`, 15_000, 50)
      for (const w of words) kept.add(w)

      // Start the killed instance again; its clients return to it.
      instances[victim] = await spawn()
      for (const c of moved) {
        c.provider.serverUrl = instances[victim]!.wsUrl
        c.provider.disconnect()
        c.provider.connect()
      }
      await waitFor(() => moved.every((c) => c.provider.synced), `round ${round}: clients back on the restarted instance`)
    }

    // The store holds every word typed in every round.
    const store = await PostgresStore.open({ url: env.DATABASE_URL! })
    try {
      const loaded = await store.load(DOC)
      expect(loaded.status).toBe('found')
      const doc = new Y.Doc()
      if (loaded.status === 'found') for (const u of [loaded.doc.snapshot, ...loaded.doc.updates]) if (u) Y.applyUpdate(doc, u)
      const stored = fragmentText(doc.getXmlFragment(DOC_FIELD))
      expect([...kept].filter((w) => !stored.includes(`${w} `))).toEqual([])
    } finally {
      await store.close()
    }
  })
})

/**
 * Several in-process server instances on one PostgreSQL database, each with
 * its own bus (a memory hub's member, or a real Redis client, optionally
 * behind the fault injector), and y-websocket clients spread over them.
 * Shared by the scale tests so each file states only what it checks.
 */
import { afterAll, beforeAll } from 'vitest'
import * as Y from 'yjs'
import type { Bus } from '../../server/bus/types.ts'
import type { ClusterTimings } from '../../server/collab/cluster.ts'
import { DOC_FIELD } from '../../shared/editorSchema.ts'
import { connectSynced, type TestClient } from '../support/clients.ts'
import { startPostgres, type TestPostgres } from '../support/postgresServer.ts'
import { startRedis, type RedisServer } from '../support/redisServer.ts'
import { startServer, type TestServer } from '../support/servers.ts'
import { rng } from '../support/wait.ts'

export interface InstanceOptions {
  clusterTimings?: Partial<ClusterTimings>
  env?: Record<string, string>
}

export async function startInstances(count: number, databaseUrl: string, makeBus: (i: number) => Bus | Promise<Bus>, opts: InstanceOptions = {}): Promise<TestServer[]> {
  const buses = await Promise.all(Array.from({ length: count }, (_, i) => makeBus(i)))
  const env = { STORAGE: 'postgres', DATABASE_URL: databaseUrl, ...opts.env }
  return Promise.all(buses.map((bus) => startServer(env, { bus, ...(opts.clusterTimings && { clusterTimings: opts.clusterTimings }) })))
}

/** The document as the store holds it now, built into a Y.Doc. */
export async function storedDoc(server: TestServer, docId: string): Promise<Y.Doc> {
  const loaded = await server.server.context.store.load(docId)
  const doc = new Y.Doc()
  if (loaded.status !== 'found') return doc
  const { snapshot, updates } = loaded.doc
  for (const u of snapshot ? [snapshot, ...updates] : updates) Y.applyUpdate(doc, u)
  return doc
}

/** `count` clients of `docId`, client i on instance i mod n. */
export function connectSpread(servers: TestServer[], docId: string, count: number): Promise<TestClient[]> {
  return Promise.all(Array.from({ length: count }, (_, i) => connectSynced(servers[i % servers.length]!.wsUrl, docId)))
}

/**
 * One random edit, as a person would make it: type a word somewhere, delete
 * a few characters, or start a new paragraph. Returns the word typed (or
 * null), so a test can check that every typed word survived.
 */
export function randomEdit(doc: Y.Doc, random: () => number, word: string, insertOnly = false): void {
  const frag = doc.getXmlFragment(DOC_FIELD)
  doc.transact(() => {
    if (frag.length === 0 || (random() < 0.15 && !insertOnly)) {
      const p = new Y.XmlElement('paragraph')
      p.insert(0, [new Y.XmlText(`${word} `)])
      frag.insert(Math.floor(random() * (frag.length + 1)), [p])
      return
    }
    const p = frag.get(Math.floor(random() * frag.length)) as Y.XmlElement
    const t = p.get(0) as Y.XmlText
    if (!insertOnly && random() < 0.3 && t.length > 4) {
      t.delete(Math.floor(random() * (t.length - 3)), 1 + Math.floor(random() * 3))
      return
    }
    // At a word boundary, so an insert never splits another's word.
    const text = t.toString()
    const spaces = [0, ...[...text.matchAll(/ /g)].map((m) => m.index! + 1)]
    t.insert(spaces[Math.floor(random() * spaces.length)]!, `${word} `)
  })
}

/** Every client edits `rounds` times, concurrently, with short random pauses. */
export async function editConcurrently(clients: TestClient[], rounds: number, seed: number, opts: { insertOnly?: boolean; pauseMs?: number; tag?: string } = {}): Promise<string[]> {
  const random = rng(seed)
  const words: string[] = []
  for (let r = 0; r < rounds; r++) {
    for (const [i, c] of clients.entries()) {
      const word = `${opts.tag ?? 'w'}${i}x${r}`
      words.push(word)
      randomEdit(c.doc, random, word, opts.insertOnly)
    }
    await new Promise((resolve) => setTimeout(resolve, Math.floor(random() * (opts.pauseMs ?? 20))))
  }
  return words
}

/** Every client, and every instance's room, holds the same document. */
export function converged(clients: TestClient[], servers: TestServer[], docId: string): boolean {
  const sv = Y.encodeStateVector(clients[0]!.doc).toString()
  const text = clients[0]!.text()
  if (!clients.every((c) => c.text() === text && Y.encodeStateVector(c.doc).toString() === sv)) return false
  return servers.every((s) => {
    const room = s.server.context.registry.get(docId)
    return !room || Y.encodeStateVector(room.doc).toString() === sv
  })
}

export function describeDivergence(clients: TestClient[]): string {
  return clients.map((c, i) => `client ${i}: ${c.text().length} chars, sv ${Y.encodeStateVector(c.doc).length}B`).join('; ')
}

export interface Services {
  readonly pg: TestPostgres
  readonly redis: RedisServer
}

/**
 * A test file's own PostgreSQL and Redis, started before its tests; after
 * them, the clients and instances `started()` names are closed, then both
 * services.
 */
export function useServices(started: () => { servers: TestServer[]; clients: TestClient[] }): Services {
  let services: { pg: TestPostgres; redis: RedisServer } | null = null
  beforeAll(async () => {
    const [pg, redis] = await Promise.all([startPostgres({ fsync: false }), startRedis()])
    services = { pg, redis }
  })
  afterAll(async () => {
    const { servers, clients } = started()
    for (const c of clients) c.destroy()
    await Promise.all(servers.map((s) => s.close()))
    await services?.redis.cleanup()
    await services?.pg.cleanup()
  })
  const need = (): { pg: TestPostgres; redis: RedisServer } => {
    if (services === null) throw new Error('PostgreSQL and Redis are not started (beforeAll failed?)')
    return services
  }
  return {
    get pg() {
      return need().pg
    },
    get redis() {
      return need().redis
    },
  }
}

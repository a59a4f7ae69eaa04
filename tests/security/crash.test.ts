/**
 * A crash at any moment. The server runs as a child process and is killed
 * with SIGKILL at seeded random moments while several clients write as fast
 * as they can; each time it restarts on the same data folder and port, and
 * the y-websocket clients reconnect by themselves.
 *
 * What must hold: everything an observing client had received when the
 * server died (the server broadcasts only what is stored) is served by the
 * next process, and at the end every client holds every line every writer
 * wrote, and so does the database file after one last SIGKILL.
 */
import { afterEach, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { SqliteStore } from '../../server/storage/sqlite.ts'
import { allSame, appendParagraph, connectSynced, type TestClient } from '../support/clients.ts'
import { spawnServer, tempDir, type SpawnedServer } from '../support/servers.ts'
import { rng, sleep, waitFor } from '../support/wait.ts'
import { covers, storedText } from './helpers.ts'

const ROUNDS = 6
const WRITERS = 3
const MAX_LINES_PER_WRITER = 5000

describe('a crash at any moment', () => {
  const servers: SpawnedServer[] = []
  const clients: TestClient[] = []
  afterEach(async () => {
    for (const c of clients.splice(0)) c.destroy()
    for (const s of servers.splice(0)) if (s.child.exitCode === null && s.child.signalCode === null) s.child.kill('SIGKILL')
  })

  it(`SIGKILL at ${ROUNDS} random moments of heavy concurrent writing loses nothing that was broadcast, and every client converges`, async () => {
    const pace = rng(7001)
    const killAt = rng(7002)
    const env: Record<string, string> = { DATA_DIR: tempDir(), COMPACT_AFTER_UPDATES: '50' }
    const start = async () => {
      const s = await spawnServer(env)
      servers.push(s)
      // The clients reconnect to the same address by themselves.
      env.PORT = String(s.port)
      return s
    }
    let server = await start()
    const docId = 'crash-rounds'
    const writers = await Promise.all(Array.from({ length: WRITERS }, () => connectSynced(server.wsUrl, docId)))
    const observer = await connectSynced(server.wsUrl, docId)
    clients.push(...writers, observer)

    // Writers never stop for the crashes: offline edits are resent on reconnect.
    let writing = true
    const written = writers.map(() => 0)
    const loops = writers.map(async (w, i) => {
      while (writing && written[i]! < MAX_LINES_PER_WRITER) {
        appendParagraph(w.doc, `w${i}-${written[i]!}`)
        written[i]!++
        // About 60 lines a second each, in bursts, for the whole test.
        await sleep(pace() < 0.2 ? 0 : 8 + Math.floor(pace() * 20))
      }
    })

    let lastSeen = 0
    for (let round = 0; round < ROUNDS; round++) {
      // Everyone back (their offline edits resent) before the next crash.
      await waitFor(() => [...writers, observer].every((c) => c.provider.synced), `clients reconnected (round ${round})`, 20_000)
      await sleep(100 + killAt() * 500)
      const writtenAtKill = written.reduce((a, b) => a + b, 0)
      server.child.kill('SIGKILL')
      await server.exited
      expect(writtenAtKill, 'the writers are still writing').toBeLessThan(WRITERS * MAX_LINES_PER_WRITER)
      // Once its socket is closed the observer can receive nothing more, so
      // this is everything the dead process sent it.
      await waitFor(() => !observer.provider.wsconnected, 'observer sees the crash')
      const seen = Y.encodeStateVector(observer.doc)
      const seenLines = observer.text().split('\n').length
      expect(seenLines).toBeGreaterThan(lastSeen)
      lastSeen = seenLines

      await sleep(killAt() * 300)
      server = await start()
      const fresh = await connectSynced(server.wsUrl, docId)
      const stored = Y.encodeStateVector(fresh.doc)
      fresh.destroy()
      expect(covers(stored, seen), `round ${round}: the restarted server serves everything the observer had`).toBe(true)
    }

    writing = false
    await Promise.all(loops)
    const everyLine = written.flatMap((count, i) => Array.from({ length: count }, (_, n) => `w${i}-${n}`))
    const holdsAll = (c: TestClient) => {
      const lines = new Set(c.text().split('\n'))
      return everyLine.every((l) => lines.has(l))
    }
    const everyone = [...writers, observer]
    await waitFor(() => everyone.every((c) => c.provider.synced) && allSame(everyone) && holdsAll(observer), 'every client converges with every line', 30_000, 100)

    // And it is all in storage: crash once more, then read the database file.
    server.child.kill('SIGKILL')
    await server.exited
    const store = new SqliteStore({ dataDir: env.DATA_DIR! })
    try {
      const stored = new Set((await storedText(store, docId)).split('\n'))
      expect(everyLine.filter((l) => !stored.has(l))).toEqual([])
    } finally {
      await store.close()
    }
    expect(everyLine.length).toBeGreaterThan(WRITERS * 100)
    // Many process restarts: generous on a loaded 2-core machine.
  }, 180_000)
})

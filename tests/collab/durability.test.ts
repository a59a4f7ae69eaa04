/**
 * The server runs as a child process and is killed with SIGKILL. A new
 * process on the same data folder must serve every update that had been
 * broadcast, checked against what an observing client saw.
 */
import { afterEach, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { appendParagraph, connectSynced, type TestClient } from '../support/clients.ts'
import { spawnServer, tempDir, type SpawnedServer } from '../support/servers.ts'
import { rng, sleep, waitFor } from '../support/wait.ts'

/** True if state vector `a` includes everything in `b`. */
export function covers(a: Uint8Array, b: Uint8Array): boolean {
  const sa = Y.decodeStateVector(a)
  for (const [client, clock] of Y.decodeStateVector(b)) if ((sa.get(client) ?? 0) < clock) return false
  return true
}

describe('durability across SIGKILL', () => {
  const servers: SpawnedServer[] = []
  const clients: TestClient[] = []
  afterEach(async () => {
    for (const c of clients.splice(0)) c.destroy()
    for (const s of servers.splice(0)) if (s.child.exitCode === null) s.child.kill('SIGKILL')
  })

  async function killAndCheck(opts: { inFlight: boolean; seed: number }): Promise<void> {
    const dataDir = tempDir()
    const env = { DATA_DIR: dataDir, COMPACT_AFTER_UPDATES: '25' }
    const first = await spawnServer(env)
    servers.push(first)
    const docId = `crash-${opts.seed}`
    const writers = [await connectSynced(first.wsUrl, docId), await connectSynced(first.wsUrl, docId)]
    const observer = await connectSynced(first.wsUrl, docId)
    clients.push(...writers, observer)
    const random = rng(opts.seed)

    let writing = true
    const written = writers.map(async (w, i) => {
      for (let n = 0; writing && n < 400; n++) {
        appendParagraph(w.doc, `w${i}-${n}`)
        await sleep(random() < 0.5 ? 0 : 2)
      }
    })
    if (!opts.inFlight) {
      await Promise.all(written)
      await waitFor(() => observer.text().split('\n').length >= 2 * 400, 'observer saw all writes', 15_000)
    } else {
      await sleep(150 + random() * 250)
    }

    // Freeze what the observer has seen at the instant of the kill: everything
    // in it was broadcast by the server.
    first.child.kill('SIGKILL')
    await first.exited
    writing = false
    observer.provider.disconnect()
    const seen = Y.encodeStateVector(observer.doc)
    const seenText = observer.text()
    expect(seenText.length).toBeGreaterThan(0)
    for (const w of writers) w.provider.disconnect()

    const second = await spawnServer(env)
    servers.push(second)
    const fresh = await connectSynced(second.wsUrl, docId)
    clients.push(fresh)
    expect(covers(Y.encodeStateVector(fresh.doc), seen)).toBe(true)
    const freshLines = new Set(fresh.text().split('\n'))
    for (const line of seenText.split('\n')) expect(freshLines.has(line)).toBe(true)
    second.child.kill('SIGTERM')
    await second.exited
  }

  it('a new process serves every update broadcast before the kill', async () => {
    await killAndCheck({ inFlight: false, seed: 11 })
  })

  it('a kill with writes in flight loses nothing that was broadcast', async () => {
    for (const seed of [21, 22, 23]) await killAndCheck({ inFlight: true, seed })
  })
})

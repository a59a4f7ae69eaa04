/**
 * RoomPersistence batches: what a room queues while a write is in flight is
 * stored with one appendMany, in order, and each write resolves only after
 * its update is stored. A failed batch stays queued whole and is retried.
 */
import { describe, expect, it } from 'vitest'
import { RoomPersistence } from '../../server/collab/persistence.ts'
import { createLogger } from '../../server/log.ts'
import { MemoryStore } from '../../server/storage/memory.ts'
import { waitFor } from '../support/wait.ts'

/** A memory store whose appendMany can be held open or made to fail, and that records batch sizes. */
class GatedStore extends MemoryStore {
  batches: number[] = []
  compactions: number[] = []
  failing = false
  private gate: { promise: Promise<void>; open: () => void; fail: (e: Error) => void } | null = null

  hold(): void {
    let open!: () => void
    let fail!: (e: Error) => void
    const promise = new Promise<void>((resolve, reject) => {
      open = resolve
      fail = reject
    })
    this.gate = { promise, open, fail }
  }

  release(err?: Error): void {
    const gate = this.gate!
    this.gate = null
    if (err) gate.fail(err)
    else gate.open()
  }

  override async appendMany(id: string, updates: readonly Uint8Array[], now: number): Promise<number> {
    this.batches.push(updates.length)
    if (this.gate) await this.gate.promise
    if (this.failing) throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' })
    return super.appendMany(id, updates, now)
  }

  override async compact(id: string, snapshot: Uint8Array, uptoSeq: number): Promise<void> {
    this.compactions.push(uptoSeq)
    return super.compact(id, snapshot, uptoSeq)
  }

  async stored(id: string): Promise<number[]> {
    const r = await this.load(id)
    return r.status === 'found' ? r.doc.updates.map((u) => u[0]!) : []
  }
}

function setup(opts: { compactAfterUpdates?: number } = {}) {
  const store = new GatedStore()
  const health: boolean[] = []
  const persistence = new RoomPersistence({
    docId: 'd',
    store,
    log: createLogger('silent'),
    compactAfterUpdates: opts.compactAfterUpdates ?? 1000,
    snapshot: () => new Uint8Array([0]),
    onHealthChange: (failing) => health.push(failing),
    retryBaseMs: 5,
    retryMaxMs: 20,
  })
  return { store, persistence, health }
}

const u = (n: number) => new Uint8Array([n])

describe('RoomPersistence group commit', () => {
  it('stores what was queued during a write with one appendMany, in order, and resolves each write only once it is stored', async () => {
    const { store, persistence } = setup()
    const storedWhenResolved: number[][] = []
    const resolved: number[] = []
    store.hold()
    const writes = [1, 2, 3, 4].map((n) =>
      persistence.write(u(n)).then(async () => {
        resolved.push(n)
        storedWhenResolved.push(await store.stored('d'))
      }),
    )
    await new Promise((r) => setImmediate(r))
    expect(resolved).toEqual([])
    expect(persistence.pending).toBe(4)
    store.release()
    await Promise.all(writes)
    expect(store.batches).toEqual([1, 3])
    expect(resolved).toEqual([1, 2, 3, 4])
    for (const [i, stored] of storedWhenResolved.entries()) expect(stored).toContain(i + 1)
    expect(await store.stored('d')).toEqual([1, 2, 3, 4])
    expect(persistence.pending).toBe(0)
  })

  it('keeps a failed batch queued in order, reports failing, retries, and then stores every update exactly once', async () => {
    const { store, persistence, health } = setup()
    store.failing = true
    const resolved: number[] = []
    const writes = [1, 2, 3].map((n) => persistence.write(u(n)).then(() => resolved.push(n)))
    await waitFor(() => persistence.failing, 'failing')
    expect(health).toEqual([true])
    const attempts = store.batches.length
    await waitFor(() => store.batches.length > attempts + 1, 'retries')
    expect(resolved).toEqual([])
    expect(persistence.pending).toBe(3)
    expect(await store.stored('d')).toEqual([])

    store.failing = false
    await Promise.all(writes)
    expect(resolved).toEqual([1, 2, 3])
    expect(store.batches.at(-1)).toBe(3)
    expect(await store.stored('d')).toEqual([1, 2, 3])
    expect(persistence.failing).toBe(false)
    expect(health).toEqual([true, false])
  })

  it('counts updates, not batches, towards compaction', async () => {
    const { store, persistence } = setup({ compactAfterUpdates: 3 })
    store.hold()
    const writes = [1, 2, 3].map((n) => persistence.write(u(n)))
    store.release()
    await Promise.all(writes)
    expect(store.batches).toEqual([1, 2])
    await waitFor(() => store.compactions.length === 1, 'compacted after 3 updates in 2 batches')
  })

  it('a room destroyed while its write is in flight neither retries nor reports failing', async () => {
    const { store, persistence, health } = setup()
    store.hold()
    void persistence.write(u(1))
    await new Promise((r) => setImmediate(r))
    persistence.dispose()
    store.release(new Error('DocDeletedError'))
    await new Promise((r) => setTimeout(r, 50))
    expect(store.batches).toEqual([1])
    expect(persistence.failing).toBe(false)
    expect(health).toEqual([])
  })
})

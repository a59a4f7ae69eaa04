/**
 * RoomPersistence batches: what a room queues while a write is in flight is
 * stored with one appendMany, in order, and each write resolves only after
 * its update is stored. A failed batch stays queued whole and is retried.
 */
import { describe, expect, it } from 'vitest'
import { RoomPersistence } from '../../server/collab/persistence.ts'
import { createLogger } from '../../server/log.ts'
import { GatedStore } from './gatedStore.ts'
import { waitFor } from '../support/wait.ts'

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

describe('RoomPersistence.stored()', () => {
  /** Records when `p` settles, with its value. */
  function track<T>(p: Promise<T>): { settled: boolean; value: T | undefined } {
    const t = { settled: false, value: undefined as T | undefined }
    void p.then((v) => Object.assign(t, { settled: true, value: v }))
    return t
  }
  const turn = () => new Promise((r) => setImmediate(r))

  it('resolves at once when nothing is queued', async () => {
    const { persistence } = setup()
    expect(await persistence.stored()).toBe(true)
  })

  it('waits through a failing store until what was queued before it is stored, while delivered() gives up at once', async () => {
    const { store, persistence } = setup()
    store.failing = true
    void persistence.write(u(1))
    void persistence.write(u(2))
    const stored = track(persistence.stored())
    await waitFor(() => persistence.failing, 'failing')
    const attempts = store.batches.length
    await waitFor(() => store.batches.length > attempts + 1, 'retries')
    expect(await persistence.delivered()).toBeUndefined()
    expect(stored.settled).toBe(false)

    store.failing = false
    await waitFor(() => stored.settled, 'stored() after recovery')
    expect(stored.value).toBe(true)
    expect(await store.stored('d')).toEqual([1, 2])
  })

  it('is FIFO: resolves when the updates before it are stored, without waiting for later ones', async () => {
    const { store, persistence } = setup()
    store.hold()
    void persistence.write(u(1))
    await turn() // [1] is in flight
    const first = track(persistence.stored())
    void persistence.write(u(2))
    const second = track(persistence.stored())
    void persistence.write(u(3))
    store.release()
    // Hold the next batch ([2, 3]) before it starts.
    store.hold()
    await waitFor(() => first.settled, 'first stored()')
    expect(first.value).toBe(true)
    expect(await store.stored('d')).toEqual([1])
    await turn()
    expect(second.settled).toBe(false)

    store.release()
    await waitFor(() => second.settled, 'second stored()')
    expect(await store.stored('d')).toEqual([1, 2, 3])
  })

  it('resolves false when disposed first (the document was deleted): those updates will never be stored', async () => {
    const { store, persistence } = setup()
    store.hold()
    void persistence.write(u(1))
    const stored = track(persistence.stored())
    await turn()
    persistence.dispose()
    await turn()
    expect(stored).toEqual({ settled: true, value: false })
    store.release(new Error('DocDeletedError'))
  })
})

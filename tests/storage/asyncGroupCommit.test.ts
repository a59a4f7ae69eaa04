import { describe, expect, it } from 'vitest'
import { AsyncGroupCommit, StoreClosedError } from '../../server/storage/asyncGroupCommit.ts'
import type { AppendOutcome, AppendRequest } from '../../server/storage/groupCommit.ts'

const one = [new Uint8Array([1])]

/** A commit whose batches finish only when the test says so. */
function gated() {
  const batches: string[][] = []
  const open: Array<() => void> = []
  let next = 0
  const commit = (batch: readonly AppendRequest[]): Promise<AppendOutcome[]> => {
    batches.push(batch.map((r) => r.id))
    return new Promise((resolve) => open.push(() => resolve(batch.map((r) => (r.id === 'deleted' ? new Error('deleted') : ++next)))))
  }
  const finish = async () => {
    while (open.length === 0) await new Promise((r) => setImmediate(r))
    open.shift()!()
  }
  return { batches, commit, finish }
}

describe('AsyncGroupCommit', () => {
  it('one batch in flight; what is requested meanwhile goes out as the next batch, each caller with its own outcome', async () => {
    const g = gated()
    const gc = new AsyncGroupCommit(g.commit)
    const first = [gc.append('a', one, 1), gc.append('b', one, 1)]
    await new Promise((r) => setImmediate(r))
    expect(g.batches).toEqual([['a', 'b']])
    const second = [gc.append('c', one, 2), gc.append('deleted', one, 2), gc.append('a', one, 2)]
    await new Promise((r) => setImmediate(r))
    expect(g.batches).toEqual([['a', 'b']])
    await g.finish()
    expect(await Promise.all(first)).toEqual([1, 2])
    await g.finish()
    const results = await Promise.allSettled(second)
    expect(g.batches).toEqual([['a', 'b'], ['c', 'deleted', 'a']])
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as Error).message))).toEqual([3, 'deleted', 4])
  })

  it('drain() waits for everything requested before it, and close() then refuses appends', async () => {
    const g = gated()
    const gc = new AsyncGroupCommit(g.commit)
    const appended = gc.append('a', one, 1)
    let drained = false
    const draining = gc.drain().then(() => (drained = true))
    // drain starts the batch without waiting for the end of the turn.
    expect(g.batches).toEqual([['a']])
    await Promise.resolve()
    expect(drained).toBe(false)
    await g.finish()
    await draining
    await expect(appended).resolves.toBe(1)
    await gc.close()
    await expect(gc.append('b', one, 2)).rejects.toBeInstanceOf(StoreClosedError)
  })

  it('a commit that throws rejects its whole batch, and the next batch goes out', async () => {
    let broken = true
    const gc = new AsyncGroupCommit(async (batch) => {
      if (broken) throw new Error('connection lost')
      return batch.map((_, i) => i + 1)
    })
    const failed = await Promise.allSettled([gc.append('a', one, 1), gc.append('b', one, 1)])
    expect(failed.map((r) => r.status)).toEqual(['rejected', 'rejected'])
    broken = false
    await expect(gc.append('a', one, 2)).resolves.toBe(1)
  })
})

import { describe, expect, it } from 'vitest'
import { GroupCommit, type AppendOutcome, type AppendRequest } from '../../server/storage/groupCommit.ts'

const turn = () => new Promise<void>((resolve) => setImmediate(resolve))

/** A commit function that records each batch and answers with `answer`. */
function recorder(answer: (batch: readonly AppendRequest[]) => AppendOutcome[]) {
  const batches: string[][] = []
  const commit = (batch: readonly AppendRequest[]) => {
    batches.push(batch.map((r) => r.id))
    return answer(batch)
  }
  return { batches, commit }
}

const one = [new Uint8Array([1])]

describe('GroupCommit', () => {
  it('commits everything requested in one turn as one batch, in call order, and resolves only after the commit', async () => {
    let next = 0
    const rec = recorder((batch) => batch.map(() => ++next))
    const gc = new GroupCommit(rec.commit)
    const settled: number[] = []
    const all = ['a', 'b', 'a', 'c'].map((id) => gc.append(id, one, 1).then((seq) => settled.push(seq)))
    await Promise.resolve()
    expect(rec.batches).toEqual([])
    expect(settled).toEqual([])
    await Promise.all(all)
    expect(rec.batches).toEqual([['a', 'b', 'a', 'c']])
    expect(settled).toEqual([1, 2, 3, 4])

    await Promise.all([gc.append('d', one, 2), gc.append('e', one, 2)])
    expect(rec.batches).toEqual([['a', 'b', 'a', 'c'], ['d', 'e']])
  })

  it('gives each caller its own outcome: an error for one request fails only that caller', async () => {
    const gc = new GroupCommit(recorder((batch) => batch.map((r, i) => (r.id === 'deleted' ? new Error('deleted') : i + 1))).commit)
    const results = await Promise.allSettled([gc.append('a', one, 1), gc.append('deleted', one, 1), gc.append('b', one, 1)])
    expect(results).toEqual([
      { status: 'fulfilled', value: 1 },
      { status: 'rejected', reason: new Error('deleted') },
      { status: 'fulfilled', value: 3 },
    ])
  })

  it('rejects every caller of a batch whose commit throws, and the next batch starts afresh', async () => {
    let broken = true
    const rec = recorder((batch) => {
      if (broken) throw new Error('SQLITE_READONLY')
      return batch.map((_, i) => i + 1)
    })
    const gc = new GroupCommit(rec.commit)
    const failed = await Promise.allSettled([gc.append('a', one, 1), gc.append('b', one, 1)])
    expect(failed.map((r) => r.status === 'rejected' && (r.reason as Error).message)).toEqual(['SQLITE_READONLY', 'SQLITE_READONLY'])
    broken = false
    await expect(gc.append('a', one, 2)).resolves.toBe(1)
    expect(rec.batches).toEqual([['a', 'b'], ['a']])
  })

  it('flush() commits at once, and the turn then has nothing left to commit', async () => {
    const rec = recorder((batch) => batch.map(() => 7))
    const gc = new GroupCommit(rec.commit)
    const p = gc.append('a', one, 1)
    gc.flush()
    expect(rec.batches).toEqual([['a']])
    await expect(p).resolves.toBe(7)
    await turn()
    expect(rec.batches).toEqual([['a']])
  })
})

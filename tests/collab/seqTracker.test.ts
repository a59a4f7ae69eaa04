import { describe, expect, it } from 'vitest'
import { SeqTracker } from '../../server/collab/seqTracker.ts'
import { rng } from '../support/wait.ts'

describe('SeqTracker', () => {
  it('advances the watermark only over contiguous seqs, holding later ones above it', () => {
    const t = new SeqTracker(3)
    expect(t.has(3)).toBe(true)
    t.add(5)
    expect([t.watermark, t.head, t.behind, t.has(4), t.has(5)]).toEqual([3, 5, true, false, true])
    t.add(4)
    expect([t.watermark, t.behind]).toEqual([5, false])
    t.add(2)
    expect(t.watermark).toBe(5)
  })

  it('is behind when it heard of a seq it lacks, until a read covers it', () => {
    const t = new SeqTracker(0)
    t.heard(4)
    expect(t.behind).toBe(true)
    t.add(6)
    t.addThrough(4)
    expect([t.watermark, t.head, t.behind]).toEqual([4, 6, true])
    t.add(5)
    expect([t.watermark, t.behind]).toEqual([6, false])
  })

  it('ends at the last seq whatever the arrival order, duplicates included', () => {
    const random = rng(7)
    const seqs = Array.from({ length: 200 }, (_, i) => i + 1).flatMap((s) => (random() < 0.3 ? [s, s] : [s]))
    seqs.sort(() => random() - 0.5)
    const t = new SeqTracker(0)
    for (const s of seqs) t.add(s)
    expect([t.watermark, t.head, t.behind]).toEqual([200, 200, false])
  })
})

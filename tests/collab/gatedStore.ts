/**
 * A memory store whose writes a test holds open, fails or releases by hand,
 * for the persistence and room tests that need storage to be slow or down.
 */
import { MemoryStore } from '../../server/storage/memory.ts'

/** A memory store whose appendMany can be held open or made to fail, and that records batch sizes. */
export class GatedStore extends MemoryStore {
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

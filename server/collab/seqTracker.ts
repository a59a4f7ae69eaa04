/**
 * Which of a document's store sequence numbers this instance has applied.
 * PostgreSQL numbers each document's updates 1, 2, 3, ... in commit order
 * with no holes, so "everything up to N is applied" is one number (the
 * watermark); updates that arrive ahead of a missing one are kept in a set
 * above it until the hole is filled. The watermark is also how far this
 * instance may compact: a snapshot taken now holds every update up to it.
 *
 * `head` is the newest seq anyone has told us about (an update message, a
 * heads message, the store poll); while it is above the watermark this
 * instance is behind and must read the rest from the store.
 */
export class SeqTracker {
  private applied = new Set<number>()
  private top: number

  constructor(private mark: number) {
    this.top = mark
  }

  /** Highest seq such that every seq up to it is applied. */
  get watermark(): number {
    return this.mark
  }

  /** The newest seq known to exist (applied or only heard of). */
  get head(): number {
    return this.top
  }

  /** Something exists that is not applied here: a hole below an applied seq, or a head we lack. */
  get behind(): boolean {
    return this.top > this.mark
  }

  has(seq: number): boolean {
    return seq <= this.mark || this.applied.has(seq)
  }

  add(seq: number): void {
    this.heard(seq)
    if (seq <= this.mark) return
    this.applied.add(seq)
    while (this.applied.delete(this.mark + 1)) this.mark++
  }

  /** Everything up to `seq` is applied (a read from the store covered it). */
  addThrough(seq: number): void {
    this.heard(seq)
    if (seq <= this.mark) return
    this.mark = seq
    for (const s of this.applied) if (s <= seq) this.applied.delete(s)
    while (this.applied.delete(this.mark + 1)) this.mark++
  }

  heard(seq: number): void {
    if (seq > this.top) this.top = seq
  }
}

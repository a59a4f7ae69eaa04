/**
 * Token buckets: each key may start `burst` jobs at once and then one per
 * `60 / perMinute` seconds. Full buckets are forgotten, so memory stays
 * bounded by the number of recently active people.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>()

  constructor(
    private readonly perMinute: number,
    private readonly burst: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Take one token; returns 0 on success or the seconds to wait. */
  take(key: string): number {
    const now = this.now()
    const ratePerMs = this.perMinute / 60_000
    const b = this.buckets.get(key) ?? { tokens: this.burst, at: now }
    b.tokens = Math.min(this.burst, b.tokens + (now - b.at) * ratePerMs)
    b.at = now
    if (b.tokens < 1) {
      this.buckets.set(key, b)
      return Math.max(1, Math.ceil((1 - b.tokens) / ratePerMs / 1000))
    }
    b.tokens -= 1
    this.buckets.set(key, b)
    if (this.buckets.size > 10_000) this.prune(now, ratePerMs)
    return 0
  }

  private prune(now: number, ratePerMs: number): void {
    for (const [k, b] of this.buckets) if (b.tokens + (now - b.at) * ratePerMs >= this.burst) this.buckets.delete(k)
  }
}

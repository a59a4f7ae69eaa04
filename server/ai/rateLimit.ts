/**
 * Token buckets in memory: each key may start `burst` jobs at once and then
 * one per `60 / perMinute` seconds. Full buckets are forgotten, so memory
 * stays bounded by the number of recently active people. The Redis
 * admission (admission/redis.ts) does the same arithmetic in Lua.
 */
export interface Rate {
  perMinute: number
  burst: number
}

export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>()

  constructor(private readonly now: () => number = Date.now) {}

  /** Seconds to wait before `key` may take a token; 0 when it may now. Takes nothing. */
  wait(key: string, rate: Rate): number {
    const tokens = this.tokens(key, rate, this.now())
    return tokens >= 1 ? 0 : Math.max(1, Math.ceil((1 - tokens) / (rate.perMinute / 60_000) / 1000))
  }

  /** Take one token (call after `wait` said 0). */
  take(key: string, rate: Rate): void {
    const now = this.now()
    this.buckets.set(key, { tokens: this.tokens(key, rate, now) - 1, at: now })
    if (this.buckets.size > 10_000) this.prune(now, rate)
  }

  private tokens(key: string, rate: Rate, now: number): number {
    const b = this.buckets.get(key)
    return b ? Math.min(rate.burst, b.tokens + (now - b.at) * (rate.perMinute / 60_000)) : rate.burst
  }

  private prune(now: number, rate: Rate): void {
    for (const [k, b] of this.buckets) if (b.tokens + (now - b.at) * (rate.perMinute / 60_000) >= rate.burst) this.buckets.delete(k)
  }
}

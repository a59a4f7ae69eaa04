/** Percentiles and small numeric helpers for the result tables. */

export interface Distribution {
  count: number
  p50: number
  p95: number
  p99: number
  max: number
  mean: number
}

/** Nearest-rank percentiles over `values` (sorted in place when unsorted). */
export function distribution(values: Float64Array | number[]): Distribution {
  const sorted = values instanceof Float64Array ? values.sort() : Float64Array.from(values).sort()
  const n = sorted.length
  if (n === 0) return { count: 0, p50: Number.NaN, p95: Number.NaN, p99: Number.NaN, max: Number.NaN, mean: Number.NaN }
  const at = (p: number) => sorted[Math.min(n - 1, Math.max(0, Math.ceil((p / 100) * n) - 1))]!
  let sum = 0
  for (const v of sorted) sum += v
  return { count: n, p50: at(50), p95: at(95), p99: at(99), max: sorted[n - 1]!, mean: sum / n }
}

/** Concatenate sample arrays (from several workers) into one. */
export function concat(parts: readonly (Float64Array | number[])[]): Float64Array {
  const out = new Float64Array(parts.reduce((n, p) => n + p.length, 0))
  let i = 0
  for (const p of parts) {
    out.set(p, i)
    i += p.length
  }
  return out
}

/** Distribution of microsecond samples, in milliseconds. */
export function msDistribution(us: Float64Array | number[]): Distribution {
  const d = distribution(us)
  return { count: d.count, p50: d.p50 / 1000, p95: d.p95 / 1000, p99: d.p99 / 1000, max: d.max / 1000, mean: d.mean / 1000 }
}

export function round(n: number, digits = 2): number {
  if (!Number.isFinite(n)) return n
  const f = 10 ** digits
  return Math.round(n * f) / f
}

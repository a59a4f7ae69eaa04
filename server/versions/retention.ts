/**
 * Which versions retention thins (deletes), as a pure function of the list
 * and the time, so the rule is tested without a store or a clock.
 *
 * By age (now - createdAt), each version that is not 'named' falls in one
 * tier:
 *   [0, keepAll)                          kept, every one
 *   [keepAll, keepAll+hourly)             the newest of each UTC clock hour
 *   [keepAll+hourly, keepAll+hourly+daily) the newest of each UTC day
 *   older                                 thinned (none, if daily is Infinity)
 * Named versions are never thinned: a person chose to keep them.
 *
 * Versions taken before AI jobs are thinned among themselves, in buckets of
 * their own: the automatic version taken after an AI wrote falls in the
 * same hour as the one taken before, and is newer, so in shared buckets the
 * state before the AI's change would be gone after a day. Kept apart, the
 * state before the last AI change of each hour, then of each day, stays as
 * long as the tiers keep anything.
 *
 * Buckets are per tier: an hour that straddles the keep-all boundary keeps
 * its newest version on each side. That makes the rule idempotent (what it
 * keeps, thinned again at the same `now`, loses nothing), so two instances
 * thinning the same document at once cannot compound into losing more.
 */
import type { VersionMeta } from '../storage/versionTypes.ts'

export interface RetentionPolicy {
  keepAllMs: number
  hourlyForMs: number
  /** Infinity: keep one per day forever. */
  dailyForMs: number
}

type Thinnable = Pick<VersionMeta, 'id' | 'createdAt' | 'kind'>

const HOUR_MS = 3_600_000
const DAY_MS = 24 * HOUR_MS

/** The ids to delete; every other version is kept. */
export function versionsToThin(versions: readonly Thinnable[], now: number, policy: RetentionPolicy): string[] {
  const hourlyEnd = policy.keepAllMs + policy.hourlyForMs
  const dailyEnd = hourlyEnd + policy.dailyForMs
  // Per bucket, the version kept so far; equal times keep the one listed first.
  const newest = new Map<string, Thinnable>()
  const thin: string[] = []
  for (const v of versions) {
    if (v.kind === 'named') continue
    const age = now - v.createdAt
    if (age < policy.keepAllMs) continue
    if (age >= dailyEnd) {
      thin.push(v.id)
      continue
    }
    const lineage = v.kind === 'before-ai' ? 'ai' : ''
    const key = age < hourlyEnd ? `${lineage}h${Math.floor(v.createdAt / HOUR_MS)}` : `${lineage}d${Math.floor(v.createdAt / DAY_MS)}`
    const kept = newest.get(key)
    if (!kept) newest.set(key, v)
    else if (v.createdAt > kept.createdAt) {
      thin.push(kept.id)
      newest.set(key, v)
    } else thin.push(v.id)
  }
  return thin
}

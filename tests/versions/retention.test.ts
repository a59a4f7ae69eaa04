import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { VersionKind } from '../../server/storage/versionTypes.ts'
import { versionsToThin, type RetentionPolicy } from '../../server/versions/retention.ts'

const MIN = 60_000
const HOUR = 60 * MIN
const DAY = 24 * HOUR
/** Midnight UTC, so hours and days of the tests line up with the buckets. */
const NOW = Date.UTC(2026, 10, 30)
const POLICY: RetentionPolicy = { keepAllMs: DAY, hourlyForMs: 2 * DAY, dailyForMs: 5 * DAY }

/** A version `age` ms before NOW. */
const v = (id: string, age: number, kind: VersionKind = 'auto') => ({ id, createdAt: NOW - age, kind })
const thin = (versions: ReturnType<typeof v>[], policy = POLICY) => versionsToThin(versions, NOW, policy).sort()

describe('versionsToThin', () => {
  it('keeps every version younger than keepAllMs, however many per hour', () => {
    expect(thin([v('a', 0), v('b', 1), v('c', 2), v('d', DAY - 1), v('e', DAY - 2)])).toEqual([])
  })

  it('keeps a version from the future (a skewed clock) rather than guess', () => {
    expect(thin([v('a', -HOUR), v('b', -HOUR - 1)])).toEqual([])
  })

  it('in the hourly tier keeps the newest of each UTC clock hour', () => {
    // NOW - DAY is midnight. a, b and c (23:00:00.000 exactly) are in hour 23; d and e in hour 22.
    expect(thin([v('a', DAY + 1), v('b', DAY + 30 * MIN), v('c', DAY + HOUR), v('d', DAY + HOUR + 1), v('e', DAY + 2 * HOUR)])).toEqual(['b', 'c', 'e'])
  })

  it('buckets by clock hour, not by distance: 10:59 and 11:00 are in different hours', () => {
    const at = (h: number, m: number) => ({ id: `${h}:${m}`, createdAt: NOW - 2 * DAY + h * HOUR + m * MIN, kind: 'auto' as const })
    expect(versionsToThin([at(10, 59), at(11, 0), at(11, 1)], NOW, POLICY)).toEqual(['11:0'])
  })

  it('in the daily tier keeps the newest of each UTC day', () => {
    const day4 = 4 * DAY
    expect(thin([v('a', day4 - HOUR), v('b', day4 - 23 * HOUR), v('c', day4 + HOUR), v('d', day4 + 20 * HOUR)])).toEqual(['a', 'd'])
  })

  it('thins everything older than all the tiers', () => {
    expect(thin([v('a', 8 * DAY), v('b', 30 * DAY), v('c', 8 * DAY - 1)])).toEqual(['a', 'b'])
  })

  it('with dailyForMs Infinity keeps one a day forever', () => {
    const forever = { ...POLICY, dailyForMs: Infinity }
    expect(thin([v('a', 400 * DAY + HOUR), v('b', 400 * DAY + 2 * HOUR), v('c', 401 * DAY + HOUR)], forever)).toEqual(['b'])
  })

  it('places each boundary age in the older tier', () => {
    // Exactly keepAll old: hourly, and the only one in its hour but beside one kept by keep-all.
    expect(thin([v('k', DAY - 1), v('h', DAY)])).toEqual([])
    // Two in one clock hour, one on each side of the keep-all boundary: buckets are per tier, both stay.
    // At 00:30 the boundary is at 00:30 the day before, inside the clock hour 00:00-00:59.
    const halfPast = NOW + 30 * MIN
    const sameHour = [
      { id: 'young', createdAt: halfPast - DAY + 10 * MIN, kind: 'auto' as const },
      { id: 'old', createdAt: halfPast - DAY - 10 * MIN, kind: 'auto' as const },
    ]
    expect(Math.floor(sameHour[0]!.createdAt / HOUR)).toBe(Math.floor(sameHour[1]!.createdAt / HOUR))
    expect(versionsToThin(sameHour, halfPast, POLICY)).toEqual([])
    // Exactly keepAll+hourly old: daily. Exactly the end of daily: thinned.
    expect(thin([v('h', 3 * DAY - 1), v('d', 3 * DAY)])).toEqual([])
    expect(thin([v('d', 8 * DAY - 1), v('gone', 8 * DAY)])).toEqual(['gone'])
  })

  it('never thins a named version, in any tier, nor lets it displace the newest of its bucket', () => {
    const versions = [v('n1', DAY + HOUR + 1, 'named'), v('a', DAY + HOUR + 2), v('b', DAY + HOUR + 3), v('n2', 100 * DAY, 'named'), v('n3', 4 * DAY, 'named')]
    expect(thin(versions)).toEqual(['b'])
  })

  it('thins before-restore versions like automatic ones, and before-ai ones among themselves', () => {
    expect(thin([v('a', 2 * DAY + 10 * MIN, 'before-restore'), v('b', 2 * DAY + 20 * MIN, 'auto'), v('c', 9 * DAY, 'before-ai')])).toEqual(['b', 'c'])
    // The version after an AI change is newer than the one before it, in the same hour: both stay.
    const aiHour = [v('after-ai', 2 * DAY + 5 * MIN), v('before-ai', 2 * DAY + 10 * MIN, 'before-ai'), v('earlier-ai', 2 * DAY + 20 * MIN, 'before-ai'), v('auto', 2 * DAY + 30 * MIN)]
    expect(thin(aiHour)).toEqual(['auto', 'earlier-ai'])
    // In the daily tier too.
    expect(thin([v('after', 5 * DAY + HOUR), v('before', 5 * DAY + 2 * HOUR, 'before-ai'), v('older', 5 * DAY + 3 * HOUR, 'before-ai')])).toEqual(['older'])
  })

  it('breaks a tie of equal times by keeping the one listed first (listVersions lists the later-added first)', () => {
    expect(versionsToThin([v('later', 2 * DAY), v('earlier', 2 * DAY)], NOW, POLICY)).toEqual(['earlier'])
  })

  it('with no hourly tier goes straight from keep-all to daily', () => {
    expect(thin([v('a', DAY + HOUR), v('b', DAY + 2 * HOUR)], { ...POLICY, hourlyForMs: 0 })).toEqual(['b'])
  })

  describe('properties', () => {
    const kind = fc.constantFrom<VersionKind>('auto', 'named', 'before-restore', 'before-ai')
    const versions = fc.uniqueArray(fc.record({ id: fc.uuid(), createdAt: fc.integer({ min: NOW - 60 * DAY, max: NOW + HOUR }), kind }), {
      selector: (x) => x.id,
      maxLength: 80,
    })
    const policy = fc.record({
      keepAllMs: fc.integer({ min: 0, max: 3 * DAY }),
      hourlyForMs: fc.integer({ min: 0, max: 10 * DAY }),
      dailyForMs: fc.oneof(fc.integer({ min: 0, max: 40 * DAY }), fc.constant(Infinity)),
    })

    it('never returns a named version, returns only ids it was given, each once', () => {
      fc.assert(
        fc.property(versions, policy, (vs, p) => {
          const thinned = versionsToThin(vs, NOW, p)
          const byId = new Map(vs.map((x) => [x.id, x]))
          expect(new Set(thinned).size).toBe(thinned.length)
          for (const id of thinned) expect(byId.get(id)?.kind).not.toBe('named')
        }),
      )
    })

    it('is idempotent: thinning what it kept, at the same time, removes nothing', () => {
      fc.assert(
        fc.property(versions, policy, (vs, p) => {
          const gone = new Set(versionsToThin(vs, NOW, p))
          expect(versionsToThin(vs.filter((x) => !gone.has(x.id)), NOW, p)).toEqual([])
        }),
      )
    })

    it('keeps at most one non-named version per hour of the hourly tier, and one before an AI job', () => {
      fc.assert(
        fc.property(versions, policy, (vs, p) => {
          const gone = new Set(versionsToThin(vs, NOW, p))
          const hours = vs
            .filter((x) => !gone.has(x.id) && x.kind !== 'named')
            .filter((x) => NOW - x.createdAt >= p.keepAllMs && NOW - x.createdAt < p.keepAllMs + p.hourlyForMs)
            .map((x) => `${x.kind === 'before-ai' ? 'ai' : ''}${Math.floor(x.createdAt / HOUR)}`)
          expect(new Set(hours).size).toBe(hours.length)
        }),
      )
    })
  })
})

import { afterEach, describe, expect, it } from 'vitest'
import { createMemoryHub } from '../../server/bus/memoryBus.ts'
import type { Bus, ControlMessage, DocMessage } from '../../server/bus/types.ts'
import { withFaults, type FaultOptions, type FaultyBus } from '../support/faultyBus.ts'
import { waitFor } from '../support/wait.ts'
import { runSchedule } from './schedule.ts'

const opened: Bus[] = []
afterEach(async () => {
  await Promise.all(opened.splice(0).map((b) => b.close()))
})

function pair(faults: FaultOptions): { from: Bus; to: FaultyBus } {
  const hub = createMemoryHub()
  const from = hub.connect()
  const to = withFaults(hub.connect(), faults)
  opened.push(from, to)
  return { from, to }
}

describe('seeded fault injector', () => {
  const faults = { drop: 0.1, duplicate: 0.1, delay: 0.2, maxDelayMs: 20 }

  it('runs the same schedule for the same seed, and another for another seed', async () => {
    const first = await runSchedule(pair({ seed: 7, ...faults }), 300)
    const again = await runSchedule(pair({ seed: 7, ...faults }), 300)
    const other = await runSchedule(pair({ seed: 8, ...faults }), 300)
    expect(again.log).toEqual(first.log)
    expect(other.log).not.toEqual(first.log)
    // Same decisions, same delays: what arrives is the same multiset (timers
    // of equal delay may fire in either order, so not the same sequence).
    expect([...again.received].sort((x, y) => x - y)).toEqual([...first.received].sort((x, y) => x - y))
  })

  it('drops, duplicates and delays at the configured rates, and delays reorder', async () => {
    const n = 4000
    const { counts, received } = await runSchedule(pair({ seed: 1, ...faults }), n)
    // Binomial, n = 4000: one standard deviation is under 0.7 percentage points; allow about 3.
    expect(Math.abs(counts.drop / n - 0.1)).toBeLessThan(0.02)
    expect(Math.abs(counts.duplicate / n - 0.1)).toBeLessThan(0.02)
    expect(Math.abs(counts.delay / n - 0.2)).toBeLessThan(0.025)
    expect(counts.deliver + counts.drop + counts.duplicate + counts.delay).toBe(n)

    expect(received.length).toBe(n - counts.drop + counts.duplicate)
    expect(new Set(received).size).toBe(n - counts.drop)
    // Arriving after a later message: every held-back one and most copies.
    let newest = 0
    const late = received.filter((seq) => {
      const overtaken = seq < newest
      newest = Math.max(newest, seq)
      return overtaken
    }).length
    expect(late).toBeGreaterThanOrEqual(counts.delay * 0.9)
  })

  it('passes everything through in order with no faults, or after the rates are set to zero', async () => {
    const clean = await runSchedule(pair({ seed: 3 }), 200)
    expect(clean.received).toEqual(Array.from({ length: 200 }, (_, i) => i + 1))

    const p = pair({ seed: 3, drop: 1 })
    p.to.setRates({ drop: 0 })
    const healed = await runSchedule(p, 50)
    expect(healed.received).toEqual(Array.from({ length: 50 }, (_, i) => i + 1))
  })

  it('leaves the control channel alone unless asked', async () => {
    const ids = Array.from({ length: 100 }, (_, i) => `jti-${i}`)
    for (const control of [false, true]) {
      const { from, to } = pair({ seed: 5, drop: 0.5, control })
      const got: ControlMessage[] = []
      await to.subscribeControl((m) => got.push(m)).ready
      for (const jti of ids) from.publishControl({ type: 'revoked', jti })
      from.publishControl({ type: 'instance-leaving' })
      if (control) {
        await waitFor(() => to.log.length === ids.length + 1, 'every control message decided')
        expect(got.length).toBe(to.counts().deliver)
        expect(got.length).toBeLessThan(80)
      } else {
        await waitFor(() => got.length === ids.length + 1, 'every control message')
        expect(to.log).toEqual([])
      }
    }
  })

  it('delivers nothing to a closed subscription, not even what it held back', async () => {
    const { from, to } = pair({ seed: 11, delay: 1, maxDelayMs: 30 })
    const got: DocMessage[] = []
    const sub = to.subscribe('d', (m) => got.push(m))
    await sub.ready
    for (let i = 0; i < 20; i++) from.publish('d', { type: 'heads', lastSeq: i })
    // The hub delivers on setImmediate, in order: this one runs after those
    // 20, and before any timer of the injector can fire.
    await new Promise((resolve) => setImmediate(resolve))
    expect(to.counts().delay).toBe(20)
    sub.close()
    await to.settled()
    expect(got).toEqual([])
  })

  it('refuses rates that cannot be probabilities', () => {
    const bus = createMemoryHub().connect()
    opened.push(bus)
    expect(() => withFaults(bus, { seed: 1, drop: 1.5 })).toThrow(/drop must be within 0..1/)
    expect(() => withFaults(bus, { seed: 1, drop: 0.6, delay: 0.6 })).toThrow(/more than 1/)
    expect(() => withFaults(bus, { seed: 1, maxDelayMs: 0 })).toThrow(/maxDelayMs/)
  })
})

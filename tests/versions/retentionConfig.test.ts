import { describe, expect, it } from 'vitest'
import { ConfigError, loadConfig } from '../../server/config.ts'

const HOUR = 3_600_000
const DAY = 24 * HOUR

describe('version history configuration', () => {
  it('defaults: every version for 24 hours, hourly for 7 days, daily forever, 120 s of quiet', () => {
    expect(loadConfig({}).versions).toEqual({ keepAllMs: 24 * HOUR, hourlyForMs: 7 * DAY, dailyForMs: Infinity, quietMs: 120_000 })
  })

  it('reads each knob in its unit', () => {
    const env = { VERSIONS_KEEP_ALL_HOURS: '6', VERSIONS_HOURLY_DAYS: '0', VERSIONS_DAILY_DAYS: '30', VERSIONS_QUIET_SECONDS: '15' }
    expect(loadConfig(env).versions).toEqual({ keepAllMs: 6 * HOUR, hourlyForMs: 0, dailyForMs: 30 * DAY, quietMs: 15_000 })
  })

  it.each([
    ['VERSIONS_KEEP_ALL_HOURS', '0'],
    ['VERSIONS_KEEP_ALL_HOURS', 'a day'],
    ['VERSIONS_HOURLY_DAYS', '-1'],
    ['VERSIONS_HOURLY_DAYS', '1.5'],
    ['VERSIONS_DAILY_DAYS', '-3'],
    ['VERSIONS_QUIET_SECONDS', '0'],
  ])('refuses %s=%s with a message naming the variable and the value', (name, value) => {
    const load = () => loadConfig({ [name]: value })
    expect(load).toThrow(ConfigError)
    expect(load).toThrow(`${name}: `)
    expect(load).toThrow(`(got ${JSON.stringify(value)})`)
  })
})

/**
 * The AI admission contract: every AiAdmission runs this suite (in memory,
 * and Redis against a real redis-server). Two handles on one backbone stand
 * for two instances.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { AdmissionLimits, AiAdmission } from '../../server/ai/admission/index.ts'

export interface AdmissionFactory {
  name: string
  /** Two admissions on one backbone. */
  open(): Promise<[AiAdmission, AiAdmission]>
}

const LIMITS: AdmissionLimits = { person: { perMinute: 60, burst: 3 }, server: { perMinute: 600, burst: 100 }, maxJobs: 100 }
let jobs = 0
const job = (person: string, docId: string, limits: AdmissionLimits = LIMITS) => ({ jobId: `job-${++jobs}`, person, docId, limits })

export function admissionContract(factory: AdmissionFactory): void {
  describe(`AI admission contract (${factory.name})`, () => {
    let a: AiAdmission
    let b: AiAdmission
    let people = 0
    let person: string
    beforeEach(async () => {
      ;[a, b] = await factory.open()
      person = `p${++people}`
    })
    afterEach(async () => {
      await Promise.all([a.close(), b.close()])
    })

    it('admits one running job per person per document, on any handle, until it is released', async () => {
      const first = job(person, 'd1')
      expect(await a.admit(first)).toEqual({ admitted: true })
      expect(await b.admit(job(person, 'd1'))).toEqual({ admitted: false, reason: 'job_in_document', retryAfter: 1 })
      expect((await b.admit(job(person, 'd2'))).admitted).toBe(true)
      expect((await b.admit(job(`${person}-other`, 'd1'))).admitted).toBe(true)
      await a.release(first.jobId)
      await a.release(first.jobId) // idempotent
      expect((await b.admit(job(person, 'd1'))).admitted).toBe(true)
    })

    it('two handles racing for the same slot: exactly one wins', async () => {
      const results = await Promise.all([a.admit(job(person, 'd')), b.admit(job(person, 'd')), a.admit(job(person, 'd')), b.admit(job(person, 'd'))])
      expect(results.filter((r) => r.admitted)).toHaveLength(1)
    })

    it('counts running jobs of both handles against maxJobs, and a release frees a place', async () => {
      const limits = { ...LIMITS, person: { perMinute: 600, burst: 100 }, maxJobs: 3 }
      const held = [job(`${person}a`, 'd', limits), job(`${person}b`, 'd', limits), job(`${person}c`, 'd', limits)]
      for (const [i, j] of held.entries()) expect((await (i % 2 ? b : a).admit(j)).admitted).toBe(true)
      expect(await b.admit(job(`${person}d`, 'd', limits))).toEqual({ admitted: false, reason: 'max_jobs', retryAfter: 2 })
      await a.release(held[0]!.jobId)
      expect((await b.admit(job(`${person}d`, 'd', limits))).admitted).toBe(true)
    })

    it('shares the person bucket: a burst across handles, then person_rate with the seconds to wait', async () => {
      for (let i = 0; i < 3; i++) expect((await (i % 2 ? b : a).admit(job(person, `d${i}`))).admitted).toBe(true)
      const refused = await b.admit(job(person, 'd9'))
      expect(refused).toMatchObject({ admitted: false, reason: 'person_rate' })
      expect(refused.admitted === false && refused.retryAfter).toBeGreaterThanOrEqual(1)
      expect(refused.admitted === false && refused.retryAfter).toBeLessThanOrEqual(1)
      expect((await a.admit(job(`${person}-other`, 'd9'))).admitted).toBe(true)
    })

    it('shares the server bucket, and a refused admit takes no token from it', async () => {
      const limits: AdmissionLimits = { person: { perMinute: 1, burst: 1 }, server: { perMinute: 1, burst: 2 }, maxJobs: 100 }
      // The server bucket is global, so this test uses it from fresh: one key space per open().
      expect((await a.admit(job(`${person}x`, 'd', limits))).admitted).toBe(true)
      expect(await b.admit(job(`${person}x`, 'e', limits))).toMatchObject({ admitted: false, reason: 'person_rate' })
      expect((await b.admit(job(`${person}y`, 'd', limits))).admitted).toBe(true)
      const refused = await a.admit(job(`${person}z`, 'd', limits))
      expect(refused).toMatchObject({ admitted: false, reason: 'server_rate' })
      expect(refused.admitted === false && refused.retryAfter).toBeGreaterThan(50)
    })
  })
}

/**
 * Admission in memory: today's single-instance limits. Several in-process
 * servers may share one (tests); the Redis admission also keeps one as its
 * fallback while Redis is unreachable.
 */
import { RateLimiter } from '../rateLimit.ts'
import { RUNNING_RETRY_AFTER, type Admission, type AdmissionRequest, type AiAdmission } from './types.ts'

export class MemoryAdmission implements AiAdmission {
  private readonly rates: RateLimiter
  /** jobId → `person\ndocId` of each running job. */
  private readonly running = new Map<string, string>()

  constructor(now: () => number = Date.now) {
    this.rates = new RateLimiter(now)
  }

  async admit(request: AdmissionRequest): Promise<Admission> {
    return this.admitNow(request)
  }

  admitNow({ jobId, person, docId, limits }: AdmissionRequest): Admission {
    const slot = `${person}\n${docId}`
    for (const s of this.running.values()) {
      if (s === slot) return { admitted: false, reason: 'job_in_document', retryAfter: RUNNING_RETRY_AFTER.job_in_document }
    }
    if (this.running.size >= limits.maxJobs) return { admitted: false, reason: 'max_jobs', retryAfter: RUNNING_RETRY_AFTER.max_jobs }
    const personWait = this.rates.wait(`p:${person}`, limits.person)
    if (personWait > 0) return { admitted: false, reason: 'person_rate', retryAfter: personWait }
    const serverWait = this.rates.wait('server', limits.server)
    if (serverWait > 0) return { admitted: false, reason: 'server_rate', retryAfter: serverWait }
    this.rates.take(`p:${person}`, limits.person)
    this.rates.take('server', limits.server)
    this.running.set(jobId, slot)
    return { admitted: true }
  }

  /** Count a job admitted elsewhere (by Redis) without taking tokens. */
  track(jobId: string, person: string, docId: string): void {
    this.running.set(jobId, `${person}\n${docId}`)
  }

  async release(jobId: string): Promise<void> {
    this.running.delete(jobId)
  }

  async close(): Promise<void> {}
}

/**
 * AI admission as a seam: whether a person may start a job now. With one
 * instance the counters live in memory (memory.ts); with several they live
 * in Redis (redis.ts), so the limits count across the whole cluster.
 *
 * Promises the contract suite (tests/ai/admissionContract.ts) holds every
 * implementation to, checked in this order, atomically (two admits racing
 * for the last place never both win):
 *   1. one running job per person per document (`job_in_document`);
 *   2. at most `limits.maxJobs` running jobs (`max_jobs`);
 *   3. the person's token bucket (`person_rate`), then the server's
 *      (`server_rate`), with the seconds to wait. A refused admit takes no
 *      token from either bucket.
 * An admitted job counts until `release(jobId)`, or until its instance stops
 * renewing it: a job whose instance died stops counting within `aliveTtlMs`.
 * Memory is bounded: buckets are forgotten once full again, and running jobs
 * are at most `maxJobs`.
 */
import type { Rate } from '../rateLimit.ts'

export interface AdmissionLimits {
  person: Rate
  server: Rate
  maxJobs: number
}

export interface AdmissionRequest {
  jobId: string
  person: string
  docId: string
  limits: AdmissionLimits
}

export type AdmissionRefusal = 'job_in_document' | 'max_jobs' | 'person_rate' | 'server_rate'

export type Admission = { admitted: true } | { admitted: false; reason: AdmissionRefusal; retryAfter: number }

export interface AiAdmission {
  admit(request: AdmissionRequest): Promise<Admission>
  /** The job ended: it no longer counts. Idempotent. */
  release(jobId: string): Promise<void>
  close(): Promise<void>
}

/** Seconds a refused client is told to wait for a running job to end. */
export const RUNNING_RETRY_AFTER = { job_in_document: 1, max_jobs: 2 } as const

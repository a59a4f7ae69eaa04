/**
 * One clock for every bench process. `process.hrtime` reads CLOCK_MONOTONIC,
 * which is system-wide on Linux, so a timestamp taken in a writer process can
 * be subtracted from one taken in an observer process (unlike
 * `performance.now()`, whose origin is per process).
 */
export function nowUs(): number {
  return Number(process.hrtime.bigint()) / 1000
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

/** Resolve at an absolute `nowUs()` time (timer precision, about 1 ms). */
export function sleepUntil(atUs: number): Promise<void> {
  return sleep(Math.max(0, (atUs - nowUs()) / 1000))
}

/** Poll `check` until it is true, or throw after `timeoutMs`. */
export async function waitUntil(check: () => boolean | Promise<boolean>, what: string, timeoutMs: number, everyMs = 20): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await sleep(everyMs)
  }
}

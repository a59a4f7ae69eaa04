/**
 * Load-generator processes and a typed request/response channel to them.
 *
 * The coordinator forks workers (`node --import tsx <script>`) so the
 * clients' CPU is neither the server's nor the coordinator's. An API is a map
 * from method name to its request and response types; `WorkerHandle.call`
 * and `serveApi` are typed against the same map, so both ends agree at
 * compile time. Messages use the 'advanced' serialization, so typed arrays
 * of samples cross without JSON.
 */
import { fork, type ChildProcess } from 'node:child_process'
import os from 'node:os'

/** An API: method name → request and response types (an interface, checked structurally). */
export type Api<A> = { [K in keyof A]: { req: unknown; res: unknown } }

interface Request {
  id: number
  method: string
  payload: unknown
}

type Reply = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: string }

const READY = 'bench-worker-ready'

export class WorkerHandle<A extends Api<A>> {
  private nextId = 1
  private readonly waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>()
  readonly exited: Promise<void>

  constructor(
    readonly child: ChildProcess,
    readonly index: number,
  ) {
    child.on('message', (m: unknown) => {
      const reply = m as Reply
      const w = this.waiting.get(reply.id)
      if (!w) return
      this.waiting.delete(reply.id)
      if (reply.ok) w.resolve(reply.value)
      else w.reject(new Error(`worker ${index}: ${reply.error}`))
    })
    this.exited = new Promise((resolve) =>
      child.once('exit', (code, signal) => {
        for (const w of this.waiting.values()) w.reject(new Error(`worker ${index} exited (${code ?? signal}) during a call`))
        this.waiting.clear()
        resolve()
      }),
    )
  }

  get pid(): number {
    return this.child.pid!
  }

  call<K extends keyof A & string>(method: K, payload: A[K]['req']): Promise<A[K]['res']> {
    const id = this.nextId++
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve: resolve as (v: unknown) => void, reject })
      this.child.send({ id, method, payload } satisfies Request)
    })
  }

  async close(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      this.child.disconnect()
      const timer = setTimeout(() => this.child.kill('SIGKILL'), 10_000)
      await this.exited
      clearTimeout(timer)
    }
  }
}

/**
 * Niceness of load-generator processes. On a machine with as few cores as
 * this one, clients and server compete for the same cores; at a lower
 * priority the clients yield whenever the server (or a probe) is runnable,
 * so the server is measured as if it had its cores to itself, and the
 * clients' own queueing shows up in their latency, not the server's.
 */
export const LOAD_GENERATOR_NICE = 10

/** Fork `count` workers running `script` and wait until each has started. */
export async function startWorkers<A extends Api<A>>(script: string, count: number, opts: { nice?: number } = {}): Promise<WorkerHandle<A>[]> {
  const handles: WorkerHandle<A>[] = []
  for (let i = 0; i < count; i++) {
    const child = fork(script, [String(i)], {
      execArgv: ['--import', 'tsx'],
      serialization: 'advanced',
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    })
    if (opts.nice !== undefined) os.setPriority(child.pid!, opts.nice)
    handles.push(new WorkerHandle<A>(child, i))
  }
  await Promise.all(
    handles.map(
      (h) =>
        new Promise<void>((resolve, reject) => {
          h.child.once('message', (m) => (m === READY ? resolve() : reject(new Error(`worker ${h.index}: unexpected first message`))))
          void h.exited.then(() => reject(new Error(`worker ${h.index} exited while starting`)))
        }),
    ),
  )
  return handles
}

export async function closeWorkers<A extends Api<A>>(handles: readonly WorkerHandle<A>[]): Promise<void> {
  await Promise.all(handles.map((h) => h.close()))
}

export type Handlers<A extends Api<A>> = { [K in keyof A]: (req: A[K]['req']) => Promise<A[K]['res']> | A[K]['res'] }

/** Worker side: answer the coordinator's calls; exit when it disconnects. */
export function serveApi<A extends Api<A>>(handlers: Handlers<A>): void {
  const send = process.send?.bind(process)
  if (!send) throw new Error('a bench worker must be started with fork()')
  process.on('message', (m: unknown) => {
    const req = m as Request
    const handler = handlers[req.method as keyof A] as ((payload: unknown) => unknown) | undefined
    void (async () => {
      try {
        if (!handler) throw new Error(`unknown method ${req.method}`)
        const value = await handler(req.payload)
        send({ id: req.id, ok: true, value } satisfies Reply)
      } catch (err) {
        send({ id: req.id, ok: false, error: err instanceof Error ? (err.stack ?? err.message) : String(err) } satisfies Reply)
      }
    })()
  })
  process.on('disconnect', () => process.exit(0))
  send(READY)
}

/** Split `items` over `n` buckets round-robin. */
export function spread<T>(items: readonly T[], n: number): T[][] {
  const out: T[][] = Array.from({ length: n }, () => [])
  items.forEach((item, i) => out[i % n]!.push(item))
  return out
}

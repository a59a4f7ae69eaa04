/**
 * The calls a coordinator makes to a store worker (bench/workers/store.ts),
 * which holds one `DocStore` (SQLite or PostgreSQL) in a process of its own,
 * so the figures hold only the store's work. Each workload reports the
 * process's own CPU time for it (`process.cpuUsage`, µs resolution, where
 * /proc counts 10 ms ticks).
 */
export type StoreKind = { kind: 'sqlite'; dataDir: string; synchronous: 'NORMAL' | 'FULL' } | { kind: 'postgres'; url: string }

export interface StoreApi {
  open: { req: StoreKind; res: null }
  /** One document, `count` appends, each awaited before the next (a room typing alone): each append's commit latency, µs. */
  serial: { req: { docId: string; count: number }; res: { latenciesUs: number[]; cpuUs: number } }
  /** `rooms` documents append one update each in the same turn, `turns` times: each turn's latency until every append resolved, µs. */
  rooms: { req: { prefix: string; rooms: number; turns: number }; res: { latenciesUs: number[]; cpuUs: number } }
  close: { req: null; res: null }
}

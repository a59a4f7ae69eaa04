/**
 * Micro-benchmark: server CPU per stored update in SQLite, for three write
 * paths over the same schema and pragmas.
 *
 *   per-update tx   the old path: one transaction per update, 4 statements
 *                   (tombstone SELECT, INSERT OR IGNORE docs, INSERT, UPDATE)
 *   batched SQL     one transaction per append, 2 + N statements
 *                   (`SqliteAppends.commit` with a batch of one request)
 *   group commit    `SqliteStore.append`: every append of the turn in one
 *                   transaction (`GroupCommit` + `SqliteAppends`)
 *
 * Scenarios: (a) one document, one append per event-loop turn; (b) many
 * rooms, each appending one update per turn. CPU is user + kernel time of
 * this process (`process.cpuUsage`), divided by the number of updates; the
 * median of a few repetitions is shown.
 *
 *   npx tsx bench/appendCost.ts [--sync=NORMAL|FULL|OFF] [--reps=3]
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import Database from 'better-sqlite3'
import * as Y from 'yjs'
import { SqliteStore, type SqliteStoreOptions } from '../server/storage/sqlite.ts'
import { SqliteAppends } from '../server/storage/sqliteAppends.ts'

type Sync = NonNullable<SqliteStoreOptions['synchronous']>

const args = new Map(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=') as [string, string]))
const SYNC = (args.get('sync') ?? 'NORMAL') as Sync
const REPS = Number(args.get('reps') ?? 3)
const SINGLE_UPDATES = 10_000
const ROOMS = 1_000
const TURNS = 10

const turn = () => new Promise<void>((resolve) => setImmediate(resolve))

/** A typical keystroke: one character inserted into a short text. */
function keystroke(): Uint8Array {
  const d = new Y.Doc()
  d.getText('t').insert(0, 'hello world')
  let update: Uint8Array | null = null
  d.on('update', (u: Uint8Array) => (update = u))
  d.getText('t').insert(5, 'x')
  return update!
}

/** A fresh data folder with the store's schema; returns the folder. */
function freshDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'append-cost-'))
  new SqliteStore({ dataDir: dir, synchronous: SYNC }).close()
  return dir
}

/** A raw connection with the store's pragmas, for the paths that bypass the store. */
function openRaw(dir: string): Database.Database {
  const db = new Database(path.join(dir, 'docs.sqlite'))
  db.pragma('journal_mode = WAL')
  db.pragma(`synchronous = ${SYNC}`)
  return db
}

/** Appends one update and resolves once it is committed. */
type Appender = { append: (id: string, update: Uint8Array) => Promise<number>; close: () => Promise<void> }

/** The write path before group commit, statement for statement. */
function perUpdateTx(dir: string): Appender {
  const db = openRaw(dir)
  const isTombstoned = db.prepare('SELECT id FROM tombstones WHERE id = ?')
  const ensureDoc = db.prepare('INSERT OR IGNORE INTO docs (id, created_at, updated_at) VALUES (?, ?, ?)')
  const appendUpdate = db.prepare('INSERT INTO updates (doc_id, data) VALUES (?, ?)')
  const touchDoc = db.prepare('UPDATE docs SET updated_at = ? WHERE id = ?')
  const appendTx = (id: string, update: Uint8Array, now: number): number => {
    if (isTombstoned.get(id)) throw new Error('deleted')
    ensureDoc.run(id, now, now)
    const info = appendUpdate.run(id, update)
    touchDoc.run(now, id)
    return Number(info.lastInsertRowid)
  }
  return {
    // As before: a transaction function built per call.
    append: async (id, update) => db.transaction(appendTx)(id, update, Date.now()),
    close: async () => void db.close(),
  }
}

function batchedSql(dir: string): Appender {
  const db = openRaw(dir)
  const appends = new SqliteAppends(db)
  return {
    append: async (id, update) => {
      const [outcome] = appends.commit([{ id, updates: [update], now: Date.now() }])
      if (typeof outcome !== 'number') throw outcome
      return outcome
    },
    close: async () => void db.close(),
  }
}

function groupCommit(dir: string): Appender {
  const store = new SqliteStore({ dataDir: dir, synchronous: SYNC })
  return { append: (id, update) => store.append(id, update, Date.now()), close: () => store.close() }
}

const PATHS: [string, (dir: string) => Appender][] = [
  ['per-update tx (old)', perUpdateTx],
  ['batched SQL, tx per append', batchedSql],
  ['group commit (new)', groupCommit],
]

interface Scenario {
  name: string
  updates: number
  run: (a: Appender, update: Uint8Array) => Promise<void>
}

const SCENARIOS: Scenario[] = [
  {
    name: `(a) 1 doc, ${SINGLE_UPDATES.toLocaleString('en')} appends, 1 per turn`,
    updates: SINGLE_UPDATES,
    run: async (a, update) => {
      for (let i = 0; i < SINGLE_UPDATES; i++) {
        await a.append('doc', update)
        await turn()
      }
    },
  },
  {
    name: `(b) ${ROOMS.toLocaleString('en')} rooms x 1 append per turn, ${TURNS} turns`,
    updates: ROOMS * TURNS,
    run: async (a, update) => {
      for (let t = 0; t < TURNS; t++) {
        const all: Promise<number>[] = []
        for (let r = 0; r < ROOMS; r++) all.push(a.append(`room-${r}`, update))
        await Promise.all(all)
        await turn()
      }
    },
  },
]

interface Sample {
  cpuUs: number
  kernelUs: number
  wallUs: number
}

async function sample(scenario: Scenario, make: (dir: string) => Appender, update: Uint8Array): Promise<Sample> {
  const appender = make(freshDir())
  // Warm up the JIT and the statement cache outside the measurement.
  for (let i = 0; i < 200; i++) await appender.append('warmup', update)
  const cpu = process.cpuUsage()
  const t0 = performance.now()
  await scenario.run(appender, update)
  const wallMs = performance.now() - t0
  const used = process.cpuUsage(cpu)
  await appender.close()
  const n = scenario.updates
  return { cpuUs: (used.user + used.system) / n, kernelUs: used.system / n, wallUs: (wallMs * 1000) / n }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!

const update = keystroke()
console.log(`SQLite synchronous=${SYNC}, update ${update.byteLength} bytes, median of ${REPS} runs, node ${process.version}`)
const rows: string[][] = []
for (const scenario of SCENARIOS) {
  let baseline = 0
  for (const [name, make] of PATHS) {
    const samples: Sample[] = []
    for (let r = 0; r < REPS; r++) samples.push(await sample(scenario, make, update))
    const cpu = median(samples.map((s) => s.cpuUs))
    baseline ||= cpu
    rows.push([
      scenario.name,
      name,
      cpu.toFixed(1),
      median(samples.map((s) => s.kernelUs)).toFixed(1),
      median(samples.map((s) => s.wallUs)).toFixed(1),
      `${(baseline / cpu).toFixed(1)}x`,
    ])
  }
}

const header = ['scenario', 'write path', 'CPU µs/update', 'of which kernel', 'wall µs/update', 'vs old']
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)))
const line = (cells: string[]) => '| ' + cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ') + ' |'
console.log(line(header))
console.log('|' + widths.map((w, i) => (i < 2 ? '-'.repeat(w + 2) : '-'.repeat(w + 1) + ':')).join('|') + '|')
for (const r of rows) console.log(line(r))

/**
 * Version history (issue 12) on the cold-load benchmark's kind of document:
 * 100,000 edits of its generator (bench/lib/editHistory.ts), laid out as a
 * month of editing with versions taken as a room takes them
 * (bench/versionsMonth.ts), on the real SqliteStore in a temp folder and the
 * real VersionHistory with the default retention policy (server/config.ts).
 *
 *   1. Storage: the versions retention keeps after the month, their bytes and
 *      the SQLite file's growth, against the document's own size.
 *   2. In process, on the room's Y.Doc as the server holds it (hydrated from
 *      the stored snapshot), split by step:
 *      (a) listing the versions;
 *      (b) opening one (store read, gunzip + JSON.parse) and comparing it with
 *          the current document as the History panel does: diffDocs (client/
 *          src/history/versionDiff.ts) of the version's JSON against the
 *          editor's getJSON(), i.e. ProseMirror JSON of the Y fragment through
 *          the shared schema; for the version before the month's last
 *          session (one section reworked), the one before the session
 *          before (edits at random places), one a week old and the oldest;
 *      (c) restoring (VersionHistory.restore: the before-restore version,
 *          then the one transaction) the first two of those, back and forth
 *          (see backAndForth).
 *   3. The same over HTTP, end to end, on the real server process started on
 *      the same data folder, with one person connected (so the room stays
 *      loaded, and to time when that person's document has the restore).
 */
import fs from 'node:fs'
import path from 'node:path'
import { gzipSync } from 'node:zlib'
import Database from 'better-sqlite3'
import * as Y from 'yjs'
import WebSocket from 'ws'
import { WebsocketProvider } from 'y-websocket'
import { yXmlFragmentToProseMirrorRootNode } from '@tiptap/y-tiptap'
import { diffDocs, type DocJson, type VersionDiff } from '../client/src/history/versionDiff.ts'
import type { Schema } from '@tiptap/pm/model'
import { loadConfig, type ServerConfig } from '../server/config.ts'
import { DOC_FIELD, documentSchema } from '../shared/editorSchema.ts'
import { SqliteStore } from '../server/storage/sqlite.ts'
import type { VersionMeta } from '../server/storage/types.ts'
import { captureContent } from '../server/versions/capture.ts'
import { contentHash, decodeVersion, encodeVersion } from '../server/versions/codec.ts'
import { VersionHistory } from '../server/versions/history.ts'
import type { RestoreStats } from '../server/versions/restore.ts'
import type { Benchmark, BenchContext } from './lib/bench.ts'
import { withServer } from './lib/bench.ts'
import { nowUs, waitUntil } from './lib/clock.ts'
import { benchTempDir } from './lib/server.ts'
import { distribution, round } from './lib/stats.ts'
import { versionsReport } from './versionsReport.ts'
import { simulateMonth, type MonthResult } from './versionsMonth.ts'

const DOC = 'history'
const DAY = 86_400_000

export const versions: Benchmark = {
  name: 'versions',
  title: 'Version history: list, open and compare, restore on a 100,000-edit document; storage over a month',
  async run(ctx) {
    // `runs` is even: restores go back and forth.
    const w = ctx.quick ? { edits: 5000, sectionEdits: 50, runs: 2 } : { edits: 100_000, sectionEdits: 300, runs: 6 }
    const env: Env = { config: loadConfig({}), schema: documentSchema() }
    const dataDir = benchTempDir('versions')
    try {
      const storage = await monthOfEditing(ctx, env, w, dataDir)
      const local = await inProcess(ctx, env, w.runs, dataDir, storage.month)
      const http = await overHttp(ctx, w.runs, dataDir, local)
      return versionsReport(ctx, w, storage, local, http)
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true })
    }
  },
}

/** The server's defaults (no environment) and the editor's schema. */
interface Env {
  config: ServerConfig
  schema: Schema
}

export type MonthStorage = Awaited<ReturnType<typeof monthOfEditing>>
type MonthSummary = Omit<MonthResult, 'doc' | 'history'>
export type LocalResult = Awaited<ReturnType<typeof inProcess>>
export type HttpResult = Awaited<ReturnType<typeof overHttp>>

// -- 1. the month, and what it stores ----------------------------------

async function monthOfEditing(ctx: BenchContext, env: Env, w: { edits: number; sectionEdits: number }, dir: string) {
  const { config, schema } = env
  const todayUtc = Math.floor(Date.now() / DAY) * DAY
  let store = new SqliteStore({ dataDir: dir })
  await store.create(DOC, todayUtc - 31 * DAY)
  await store.close()
  const emptyFile = fileBytes(dir)
  store = new SqliteStore({ dataDir: dir })
  ctx.log(`  a month of editing: ${w.edits} edits, then ${w.sectionEdits} in one section`)
  const t0 = performance.now()
  const month = await simulateMonth({ store, schema, policy: config.versions, quietMs: config.versions.quietMs, docId: DOC, ...w, seed: 1, todayUtc })
  const simMs = performance.now() - t0
  const kept = await store.listVersions(DOC)
  // Which retention tier each kept automatic version is in at the end of the month.
  const policy = config.versions
  const age = (v: VersionMeta) => month.end - v.createdAt
  const auto = kept.filter((v) => v.kind !== 'named')
  const tiers = {
    keepAll: auto.filter((v) => age(v) < policy.keepAllMs).length,
    hourly: auto.filter((v) => age(v) >= policy.keepAllMs && age(v) < policy.keepAllMs + policy.hourlyForMs).length,
    daily: auto.filter((v) => age(v) >= policy.keepAllMs + policy.hourlyForMs).length,
  }
  await store.close()
  const withVersions = fileBytes(dir)
  const pages = sqlitePages(dir)
  // The document itself, stored as the server stores it after compaction.
  const state = Y.encodeStateAsUpdate(month.doc)
  store = new SqliteStore({ dataDir: dir })
  await store.compact(DOC, state, 0)
  await store.close()
  const withDoc = fileBytes(dir)
  const json = JSON.stringify(captureContent(month.doc.getXmlFragment(DOC_FIELD)).doc)
  const sizes = {
    emptyFile,
    withVersions,
    withDoc,
    versionsFileGrowth: withVersions - emptyFile,
    docFileGrowth: withDoc - withVersions,
    versionBytes: kept.reduce((n, v) => n + v.bytes, 0),
    stateBytes: state.byteLength,
    jsonBytes: Buffer.byteLength(json),
    gzipJsonBytes: gzipSync(json).byteLength,
    pages,
  }
  ctx.log(`    ${round(simMs / 1000, 1)} s; ${kept.length} versions kept, ${round(sizes.versionBytes / 2 ** 20, 2)} MiB; file +${round(sizes.versionsFileGrowth / 2 ** 20, 2)} MiB`)
  // Keep none of the month's Y.Docs: their structs would weigh on the timings' garbage collections.
  month.doc.destroy()
  const { doc: _doc, history: _history, ...summary } = month
  return { month: summary, kept, tiers, sizes, simMs }
}

// -- 2. in process -------------------------------------------------------

async function inProcess(ctx: BenchContext, env: Env, runs: number, dir: string, month: MonthSummary) {
  const { config, schema } = env
  const timing = new StoreTimer(new SqliteStore({ dataDir: dir }))
  const store = timing.store
  const history = new VersionHistory({ store, schema, policy: config.versions, now: () => month.end })
  try {
    // The room's document as the server holds it: hydrated from the stored snapshot.
    const loaded = await store.load(DOC)
    if (loaded.status !== 'found' || !loaded.doc.snapshot) throw new Error('the document was not stored')
    const doc = new Y.Doc({ gc: true, guid: DOC })
    let t = performance.now()
    Y.applyUpdate(doc, loaded.doc.snapshot)
    const hydrateMs = performance.now() - t
    const fragment = doc.getXmlFragment(DOC_FIELD)
    // The editor builds its ProseMirror document from the fragment once (ySyncPlugin); getJSON() is then toJSON().
    t = performance.now()
    const pmDoc = yXmlFragmentToProseMirrorRootNode(fragment, schema)
    const pmMs = performance.now() - t
    const currentJson = pmDoc.toJSON() as DocJson
    const list = await history.list(DOC)
    const hash = contentHash(captureContent(fragment))
    const targets = pickTargets(list, month)
    // The month ends with a version, so the newest holds the current content.
    const newest = list[0]!
    if (newest.contentHash !== hash) throw new Error('the newest version is not the current content')
    ctx.log(`  in process: ${list.length} versions; opening ${targets.map((x) => `${x.label} (${x.editsBefore} edits before now)`).join(', ')}`)

    const listMs = await repeat(runs, () => history.list(DOC))
    const open = []
    for (const target of targets) {
      const steps = { read: [] as number[], decode: [] as number[], json: [] as number[], diff: [] as number[], total: [] as number[] }
      let diff: VersionDiff | null = null
      let contentBytes = 0
      // The old versions' diffs take up to a second each: fewer runs of those.
      for (let i = 0; i < (target.restore ? runs : runs / 2); i++) {
        const t0 = performance.now()
        const stored = await store.getVersion(DOC, target.meta.id)
        const t1 = performance.now()
        const content = decodeVersion(stored!.content)
        const t2 = performance.now()
        const current = pmDoc.toJSON() as DocJson
        const t3 = performance.now()
        diff = diffDocs(content.doc as DocJson, current)
        const t4 = performance.now()
        steps.read.push(t1 - t0)
        steps.decode.push(t2 - t1)
        steps.json.push(t3 - t2)
        steps.diff.push(t4 - t3)
        steps.total.push(t4 - t0)
        contentBytes = stored!.content.byteLength
      }
      const blocks = countBlocks(diff!)
      open.push({ label: target.label, editsBefore: target.editsBefore, contentBytes, stats: diff!.stats, blocks, steps: mapValues(steps, distribution) })
    }

    // What a version costs to take, on this document (inside every restore, as its before-restore version).
    const capture = { capture: [] as number[], hash: [] as number[], gzip: [] as number[] }
    for (let i = 0; i < runs; i++) {
      let a = performance.now()
      const content = captureContent(fragment)
      capture.capture.push(performance.now() - a)
      a = performance.now()
      contentHash(content)
      capture.hash.push(performance.now() - a)
      a = performance.now()
      encodeVersion(content)
      capture.gzip.push(performance.now() - a)
    }

    // Restores, alternately the version one burst old and back to what it replaced.
    const origin = Object.freeze({ kind: 'restore', versionId: '', by: 'bench' })
    let txStart = 0
    let txMs = 0
    let updateBytes = 0
    doc.on('beforeTransaction', (tr: Y.Transaction) => {
      if (tr.origin === origin) txStart = performance.now()
    })
    doc.on('afterAllTransactions', () => {
      if (txStart) txMs = performance.now() - txStart
      txStart = 0
    })
    // The room stores every update it applies (server/collab/persistence.ts): the restore's edit, once.
    let appended: Promise<number> = Promise.resolve(0)
    doc.on('update', (update: Uint8Array, o: unknown) => {
      if (o !== origin) return
      updateBytes = update.byteLength
      appended = store.append(DOC, update, month.end)
    })
    const restores = []
    let currentId = newest.id
    for (const target of targets.filter((x) => x.restore)) {
      const steps = { total: [] as number[], store: [] as number[], tx: [] as number[], other: [] as number[], append: [] as number[], updateBytes: [] as number[] }
      const stats: RestoreStats[] = []
      const turns = backAndForth(target.meta.id, currentId)
      for (let i = 0; i < runs + 2; i++) {
        timing.reset()
        updateBytes = 0
        const a = performance.now()
        const result = await history.restore(DOC, doc, fragment, turns.next(i), origin)
        const total = performance.now() - a
        const b = performance.now()
        await appended
        turns.done(i, result.backupVersionId)
        if (i < 2) continue
        steps.append.push(performance.now() - b)
        steps.total.push(total)
        steps.store.push(timing.ms)
        steps.tx.push(txMs)
        steps.other.push(total - timing.ms - txMs)
        steps.updateBytes.push(updateBytes)
        stats.push(result.stats)
      }
      currentId = turns.current()
      restores.push({ label: target.label, editsBefore: target.editsBefore, steps: mapValues(steps, distribution), stats: stats[0]! })
    }
    const afterList = await history.list(DOC)
    const blocks = fragment.length
    doc.destroy()
    return {
      versionCount: list.length,
      versionCountAfter: afterList.length,
      hydrateMs,
      pmMs,
      jsonBytes: Buffer.byteLength(JSON.stringify(currentJson)),
      blocks,
      targets,
      currentJson,
      list: distribution(listMs),
      open,
      capture: mapValues(capture, distribution),
      restores,
      currentVersionId: currentId,
      storeCalls: timing.calls,
    }
  } finally {
    await store.close()
  }
}

// -- 3. over HTTP ---------------------------------------------------------

async function overHttp(ctx: BenchContext, runs: number, dir: string, local: { targets: Target[]; currentJson: DocJson; currentVersionId: string }) {
  const { targets, currentJson } = local
  return withServer(ctx, 'http', { dataDir: dir }, async (server) => {
    const base = `${server.url}/api/docs/${DOC}/versions`
    // One person in the document: the room stays loaded and sees restores live.
    const person = new Y.Doc()
    const provider = new WebsocketProvider(server.wsUrl, DOC, person, { WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket, disableBc: true })
    try {
      await waitUntil(() => provider.synced, 'the person to sync', 60_000, 10)
      ctx.log(`  over HTTP: ${server.url}`)
      // Each request is a phase: with --profile, the server's profile is summarized per kind of request.
      const timed = async <T>(label: string, fn: () => Promise<T>): Promise<T> => {
        const fromUs = nowUs()
        try {
          return await fn()
        } finally {
          ctx.phases.push({ label, fromUs, toUs: nowUs() })
        }
      }
      // The round trip of a request that does nothing: what every figure below includes.
      const healthMs = await repeat(runs, async () => (await fetch(`${server.url}/api/health`)).json())
      const listMs: number[] = []
      for (let i = 0; i < runs; i++) {
        const a = performance.now()
        const body = await timed('list', async () => (await fetch(base)).json() as Promise<{ versions?: unknown[] }>)
        if (!body.versions?.length) throw new Error(`GET versions: ${JSON.stringify(body)}`)
        listMs.push(performance.now() - a)
      }
      const opened = []
      const restored = []
      let currentId = local.currentVersionId
      for (const target of targets.filter((x) => x.restore)) {
        const open = { fetch: [] as number[], parse: [] as number[], diff: [] as number[], total: [] as number[] }
        let responseBytes = 0
        for (let i = 0; i < runs; i++) {
          const a = performance.now()
          const text = await timed('open', async () => (await fetch(`${base}/${target.meta.id}?format=json`)).text())
          const b = performance.now()
          const body = JSON.parse(text) as { doc: DocJson }
          const c = performance.now()
          diffDocs(body.doc, currentJson)
          const d = performance.now()
          responseBytes = Buffer.byteLength(text)
          open.fetch.push(b - a)
          open.parse.push(c - b)
          open.diff.push(d - c)
          open.total.push(d - a)
        }
        opened.push({ label: target.label, responseBytes, steps: mapValues(open, distribution) })
        const restore = { answered: [] as number[], seen: [] as number[] }
        const turns = backAndForth(target.meta.id, currentId)
        for (let i = 0; i < runs + 2; i++) {
          let seenAt = 0
          const onUpdate = () => (seenAt ||= performance.now())
          person.on('update', onUpdate)
          const a = performance.now()
          const res = await timed('restore', async () => {
            const r = await fetch(`${base}/${turns.next(i)}/restore`, { method: 'POST' })
            return { ok: r.ok, status: r.status, body: (await r.json()) as { backupVersionId: string | null } }
          })
          if (!res.ok) throw new Error(`restore: ${res.status} ${JSON.stringify(res.body)}`)
          const answered = performance.now() - a
          await waitUntil(() => seenAt > 0, 'the person to see the restore', 30_000, 1)
          person.off('update', onUpdate)
          turns.done(i, res.body.backupVersionId)
          if (i < 2) continue
          restore.answered.push(answered)
          restore.seen.push(seenAt - a)
        }
        currentId = turns.current()
        restored.push({ label: target.label, steps: mapValues(restore, distribution) })
      }
      return { health: distribution(healthMs), list: distribution(listMs), opened, restored }
    } finally {
      provider.destroy()
      person.destroy()
    }
  })
}

/**
 * Restores back and forth, so every restore changes the same blocks: even
 * turns restore the old version, odd turns the version of what that
 * replaced (its before-restore version, or the newest version when that
 * already held the same content). The first two turns are a warm-up.
 */
function backAndForth(old: string, current: string) {
  let now = current
  return {
    next: (i: number) => (i % 2 === 0 ? old : now),
    done: (i: number, backup: string | null) => {
      if (i % 2 === 0 && backup) now = backup
    },
    current: () => now,
  }
}

interface Target {
  label: string
  /** Also timed as a restore (back and forth). */
  restore: boolean
  meta: VersionMeta
  editsBefore: number
}

/**
 * The versions to open: the one before the month's last session (a section
 * of three paragraphs reworked: the common case, what a person looks at
 * first), the one before the session before (a burst of the cold-load
 * generator's edits at random places: changes spread over half the blocks),
 * the newest of a week ago, and the oldest.
 */
function pickTargets(list: VersionMeta[], month: MonthSummary): Target[] {
  const total = Math.max(...month.editsAt.values())
  const before = (v: VersionMeta) => total - (month.editsAt.get(v.id) ?? total)
  const target = (label: string, restore: boolean, meta: VersionMeta | undefined): Target[] => (meta ? [{ label, restore, meta, editsBefore: before(meta) }] : [])
  return [
    ...target('before the last session (one section)', true, list.find((v) => before(v) > 0)),
    ...target('before the session before (random places)', true, list.find((v) => before(v) > month.sectionEdits)),
    ...target('a week old', false, list.find((v) => v.createdAt <= month.end - 7 * DAY)),
    ...target('the oldest', false, list[list.length - 1]),
  ]
}

/** A SqliteStore whose version calls are timed: the store's share of a restore. */
class StoreTimer {
  ms = 0
  calls: Record<string, number> = {}
  readonly store: SqliteStore

  constructor(store: SqliteStore) {
    const timed = new Set<string>(['listVersions', 'getVersion', 'addVersion', 'deleteVersions'])
    this.store = new Proxy(store, {
      get: (target, prop, receiver) => {
        const value = Reflect.get(target, prop, receiver) as unknown
        if (typeof value !== 'function') return value
        if (!timed.has(String(prop))) return value.bind(target)
        return async (...args: unknown[]) => {
          const a = performance.now()
          try {
            return await (value as (...a: unknown[]) => Promise<unknown>).apply(target, args)
          } finally {
            this.ms += performance.now() - a
            this.calls[String(prop)] = (this.calls[String(prop)] ?? 0) + 1
          }
        }
      },
    })
  }

  reset(): void {
    this.ms = 0
  }
}

async function repeat(runs: number, fn: () => Promise<unknown>): Promise<number[]> {
  const out: number[] = []
  for (let i = 0; i < runs; i++) {
    const a = performance.now()
    await fn()
    out.push(performance.now() - a)
  }
  return out
}

function mapValues<K extends string, A, B>(o: Record<K, A>, f: (a: A) => B): Record<K, B> {
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, f(v as A)])) as Record<K, B>
}

function countBlocks(diff: VersionDiff): { top: number; same: number } {
  return { top: diff.blocks.length, same: diff.blocks.filter((b) => b.change === 'same').length }
}

/** The SQLite file (and WAL, if any) in bytes; measured with the store closed, so the WAL is checkpointed. */
function fileBytes(dir: string): number {
  return ['docs.sqlite', 'docs.sqlite-wal'].reduce((n, f) => n + (fs.existsSync(path.join(dir, f)) ? fs.statSync(path.join(dir, f)).size : 0), 0)
}

function sqlitePages(dir: string): { pageSize: number; pages: number; free: number } {
  const db = new Database(path.join(dir, 'docs.sqlite'), { readonly: true })
  try {
    return {
      pageSize: db.pragma('page_size', { simple: true }) as number,
      pages: db.pragma('page_count', { simple: true }) as number,
      free: db.pragma('freelist_count', { simple: true }) as number,
    }
  } finally {
    db.close()
  }
}


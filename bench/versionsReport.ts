/** The version-history benchmark's tables and notes (bench/versions.ts). */
import type { BenchContext } from './lib/bench.ts'
import type { BenchResult, Table } from './lib/report.ts'
import { round, type Distribution } from './lib/stats.ts'
import type { HttpResult, LocalResult, MonthStorage } from './versions.ts'

const ms = (d: Distribution) => `${round(d.p50, 1)} / ${round(d.p95, 1)}`
const mib = (n: number) => round(n / 2 ** 20, 2)
const kib = (n: number) => round(n / 2 ** 10, 1)

export function versionsReport(ctx: BenchContext, w: { edits: number; runs: number }, storage: MonthStorage, local: LocalResult, http: HttpResult): BenchResult {
  const { month, kept, sizes } = storage
  const byKind = (k: string) => kept.filter((v) => v.kind === k).length
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0
  const storageTable: Table = {
    title: `A month of editing (${w.edits} edits in ${month.bursts} bursts of ${month.sessions} sessions over ${month.workingDays} working days, ${month.aiJobs} AI jobs; default retention)`,
    columns: ['kind', 'asked', 'taken', 'kept after the month'],
    rows: (['auto', 'before-ai', 'named', 'before-restore'] as const).map((k) => [k, month.asked[k], month.taken[k], byKind(k)]),
  }
  const sizeTable: Table = {
    title: 'Bytes: the versions kept against the document',
    columns: ['what', 'bytes', 'MiB'],
    rows: [
      [`versions kept (${kept.length}), sum of stored content`, sizes.versionBytes, mib(sizes.versionBytes)],
      ['SQLite file growth from the versions (store closed, WAL checkpointed)', sizes.versionsFileGrowth, mib(sizes.versionsFileGrowth)],
      [`  of which free pages left by thinned versions`, sizes.pages.free * sizes.pages.pageSize, mib(sizes.pages.free * sizes.pages.pageSize)],
      ['the document: Yjs state (stored snapshot)', sizes.stateBytes, mib(sizes.stateBytes)],
      ['the document: SQLite file growth from its snapshot', sizes.docFileGrowth, mib(sizes.docFileGrowth)],
      ['the document: editor JSON', sizes.jsonBytes, mib(sizes.jsonBytes)],
      ['the document: editor JSON gzip\'d (one version)', sizes.gzipJsonBytes, mib(sizes.gzipJsonBytes)],
    ],
  }
  const steps = ['read', 'decode', 'json', 'diff', 'total'] as const
  const stepName = { read: 'store read', decode: 'gunzip + JSON.parse', json: 'current getJSON()', diff: 'diffDocs', total: 'open + compare' }
  const openTable: Table = {
    title: `In process: open a version and compare it with the current document (${w.runs} runs, ${w.runs / 2} for the old ones; p50 / p95 ms)`,
    columns: ['version', 'edits before now', 'stored KiB', 'changed / added / removed blocks', ...steps.map((s) => stepName[s])],
    rows: local.open.map((o) => [o.label, o.editsBefore, kib(o.contentBytes), `${o.stats.changed} / ${o.stats.added} / ${o.stats.removed}`, ...steps.map((s) => ms(o.steps[s]))]),
  }
  const restoreRows = local.restores.flatMap((x) => {
    const r = x.steps
    return [
      [`restore the version ${x.label} (${x.editsBefore} edits), total`, ms(r.total), round(r.total.max, 1)],
      ['  store calls (get, list, add, thin)', ms(r.store), round(r.store.max, 1)],
      ['  the Yjs transaction (restoreContent, update encoded)', ms(r.tx), round(r.tx.max, 1)],
      ['  the rest: decode, before-restore capture, hash, gzip', ms(r.other), round(r.other.max, 1)],
      [`  then the room stores the restore's update (${kib(r.updateBytes.p50)} KiB)`, ms(r.append), round(r.append.max, 1)],
    ]
  })
  const inProcessTable: Table = {
    title: `In process: list, take, restore (${w.runs} runs each; p50 / p95 ms)`,
    columns: ['operation', 'p50 / p95 ms', 'max ms'],
    rows: [
      [`list ${local.versionCount} versions (VersionHistory.list)`, ms(local.list), round(local.list.max, 1)],
      ['a version of the current document, without the store:', '', ''],
      ['  capture (fragment → editor JSON + block ids)', ms(local.capture.capture), round(local.capture.capture.max, 1)],
      ['  content hash (sha256 of the JSON)', ms(local.capture.hash), round(local.capture.hash.max, 1)],
      ['  gzip (encodeVersion)', ms(local.capture.gzip), round(local.capture.gzip.max, 1)],
      ...restoreRows,
      ['reference: hydrate the Y.Doc from the snapshot (once per room load)', round(local.hydrateMs, 1), ''],
      ['reference: fragment → ProseMirror doc (the editor, once per load)', round(local.pmMs, 1), ''],
    ],
  }
  const h = http
  const httpTable: Table = {
    title: `Over HTTP, end to end (real server process, one person connected; ${w.runs} runs each; p50 / p95 ms)`,
    columns: ['request', 'p50 / p95 ms', 'max ms'],
    rows: [
      ['GET /api/health (the round trip alone)', ms(h.health), round(h.health.max, 1)],
      [`GET /versions (${local.versionCount} versions)`, ms(h.list), round(h.list.max, 1)],
      ...h.opened.flatMap((o) => [
        [`GET /versions/:id?format=json, ${o.label} (${kib(o.responseBytes)} KiB): response read`, ms(o.steps.fetch), round(o.steps.fetch.max, 1)],
        ['  then JSON.parse in the client', ms(o.steps.parse), round(o.steps.parse.max, 1)],
        ['  then diffDocs', ms(o.steps.diff), round(o.steps.diff.max, 1)],
        ['  open + compare, total', ms(o.steps.total), round(o.steps.total.max, 1)],
      ]),
      ...h.restored.flatMap((o) => [
        [`POST /versions/:id/restore, ${o.label}: answered`, ms(o.steps.answered), round(o.steps.answered.max, 1)],
        ["  the connected person's document has it", ms(o.steps.seen), round(o.steps.seen.max, 1)],
      ]),
    ],
  }
  const notes = [
    `month: ${month.workingDays} working days, ${month.sessions} sessions, ${month.bursts} bursts of typing, ${month.aiJobs} AI jobs; ${kept.length} versions kept of ${Object.values(month.taken).reduce((a, b) => a + b, 0)} taken (median ${median(month.editsPerVersion)} edits between automatic versions); simulated in ${round(storage.simMs / 1000, 1)} s, of which VersionHistory.take ${round(month.takeMs / 1000, 1)} s`,
    `kept: ${storage.tiers.keepAll} automatic versions of the last 24 hours, ${storage.tiers.hourly} of the hourly tier (one per clock hour for 7 days), ${storage.tiers.daily} of the daily tier, and ${byKind('named')} named`,
    `storage: the ${kept.length} versions hold ${mib(sizes.versionBytes)} MiB (${round(sizes.versionBytes / sizes.stateBytes, 2)}× the document's Yjs state of ${mib(sizes.stateBytes)} MiB); the SQLite file grew ${mib(sizes.versionsFileGrowth)} MiB for them`,
    ...local.restores.map((x) => `restore of the version ${x.label}: ${x.stats.kept} blocks kept, ${x.stats.updated} updated, ${x.stats.inserted} inserted, ${x.stats.deleted} deleted`),
    `the document: ${local.blocks} top-level blocks, ${local.jsonBytes} bytes of editor JSON; ${local.versionCountAfter - local.versionCount} before-restore versions added by the restores; store calls in them: ${Object.entries(local.storeCalls).map(([k, n]) => `${k} ${n}`).join(', ')}`,
  ]
  ctx.log(`    list p50 ${round(local.list.p50, 1)} ms, open+diff p50 ${round(local.open[0]?.steps.total.p50 ?? NaN, 1)} ms, restore p50 ${round(local.restores[0]?.steps.total.p50 ?? NaN, 1)} ms`)
  return {
    tables: [storageTable, sizeTable, openTable, inProcessTable, httpTable],
    data: { workload: w, month: { ...month, editsAt: undefined }, kept: kept.length, sizes, local: { ...local, currentJson: undefined, targets: local.targets.map((t) => ({ label: t.label, id: t.meta.id, editsBefore: t.editsBefore })) }, http },
    notes,
  }
}

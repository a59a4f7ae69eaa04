/**
 * A month of editing one document, with versions taken as a room takes them
 * (server/collab/roomVersions.ts), on the real VersionHistory and store with
 * a simulated clock: the version-history benchmark's data (bench/versions.ts).
 *
 * The calendar is fixed relative to UTC days, so the retention tiers see the
 * same shape on any run: 30 days ending yesterday 19:00 UTC, weekends on the
 * same two days of every week counted back from the end, so the last day is
 * a working day. On a working day three people open 3–6 sessions between
 * 08:00 and 17:30, each of 1–3 bursts of typing (one edit of the cold-load
 * generator every 1.5 s) with pauses of 1–8 minutes. The room's policy,
 * modelled event by event:
 *   - an automatic version when the document changed and then stayed quiet
 *     for `quietMs` (pauses longer than that, and the end of each session);
 *   - 0–2 AI jobs a day: a `before-ai` version, then the AI writes a
 *     paragraph of about 60 words into the room's document;
 *   - a named version at the end of the last working day of each week;
 *   - closing the room takes a version only if something changed since the
 *     last one, which the quiet-period version already covered: none here.
 * The last session of the month is one person reworking one section: its
 * edits all go into three adjacent paragraphs.
 * Each person keeps one tab (one Y.Doc, one client id) for the month; a
 * burst's edits reach the room's Y.Doc as one update, which changes nothing
 * for the versions (they are taken between bursts).
 */
import type { Schema } from '@tiptap/pm/model'
import * as Y from 'yjs'
import type { DocStore, VersionKind } from '../server/storage/types.ts'
import { VersionHistory } from '../server/versions/history.ts'
import type { RetentionPolicy } from '../server/versions/retention.ts'
import { edit, rng } from './lib/editHistory.ts'
import { DOC_FIELD, paragraph } from './lib/ydoc.ts'

const MINUTE = 60_000
const HOUR = 60 * MINUTE
const DAY = 24 * HOUR
const EDIT_MS = 1500
const PEOPLE = ['Ana', 'Ben', 'Chloé']
const AI_WORDS = 'the quarterly plan keeps the launch date while the team reviews the budget and the open risks '.split(' ').filter(Boolean)

export interface MonthOptions {
  store: DocStore
  schema: Schema
  policy: RetentionPolicy
  quietMs: number
  docId: string
  /** Edits of the cold-load generator over the month, at random places. */
  edits: number
  /** Then, the last session's edits, all in one section of three paragraphs. */
  sectionEdits: number
  seed: number
  /** Midnight UTC of the day the month ends the evening before. */
  todayUtc: number
}

export interface MonthResult {
  /** The room's document at the end of the month. */
  doc: Y.Doc
  history: VersionHistory
  /** The simulated time now (the end of the month, yesterday about 19:00 UTC). */
  end: number
  workingDays: number
  sessions: number
  bursts: number
  aiJobs: number
  /** Versions asked for, by kind, and how many VersionHistory took (the others equalled the newest). */
  asked: Record<VersionKind, number>
  taken: Record<VersionKind, number>
  /** Time spent in VersionHistory.take over the month (CPU of this process, mostly). */
  takeMs: number
  /** Edits between consecutive automatic versions, the typical distance from a version to the next. */
  editsPerVersion: number[]
  sectionEdits: number
  /** Per version taken, the edits made before it (of `edits` + `sectionEdits`). */
  editsAt: Map<string, number>
}

interface Burst {
  at: number
  person: number
  edits: number
  ai: boolean
}

const zero = (): Record<VersionKind, number> => ({ auto: 0, named: 0, 'before-restore': 0, 'before-ai': 0 })

function schedule(todayUtc: number, r: () => number): { bursts: Burst[]; named: number[]; workingDays: number; sessions: number } {
  const bursts: Burst[] = []
  const named: number[] = []
  let workingDays = 0
  let sessions = 0
  for (let k = 29; k >= 0; k--) {
    if (k % 7 === 5 || k % 7 === 6) continue
    workingDays++
    const day = todayUtc - (k + 1) * DAY
    const dayBursts: Burst[] = []
    const n = 3 + Math.floor(r() * 4)
    sessions += n
    for (let s = 0; s < n; s++) {
      const person = Math.floor(r() * PEOPLE.length)
      let at = day + 8 * HOUR + Math.floor(r() * 9 * HOUR)
      const parts = 1 + Math.floor(r() * 3)
      for (let b = 0; b < parts; b++) {
        const weight = 0.5 + r()
        dayBursts.push({ at, person, edits: weight, ai: false })
        at += weight * 10 * MINUTE + MINUTE + Math.floor(r() * 7 * MINUTE)
      }
    }
    const ai = Math.floor(r() * 3)
    for (let j = 0; j < ai; j++) dayBursts[Math.floor(r() * dayBursts.length)]!.ai = true
    bursts.push(...dayBursts.sort((a, b) => a.at - b.at))
    if (k % 7 === 0) named.push(day + 17 * HOUR + 30 * MINUTE)
  }
  return { bursts, named, workingDays, sessions }
}

/** Spreads `total` edits over the bursts in proportion to their weights. */
function spread(bursts: Burst[], total: number): void {
  const sum = bursts.reduce((n, b) => n + b.edits, 0)
  let left = total
  bursts.forEach((b, i) => {
    const n = i === bursts.length - 1 ? left : Math.round((b.edits / sum) * total)
    b.edits = Math.max(0, Math.min(n, left))
    left -= b.edits
  })
}

export async function simulateMonth(o: MonthOptions): Promise<MonthResult> {
  const r = rng(o.seed)
  const plan = schedule(o.todayUtc, r)
  spread(plan.bursts, o.edits)
  let now = o.todayUtc - (30 * DAY + 5 * HOUR)
  const history = new VersionHistory({ store: o.store, schema: o.schema, policy: o.policy, now: () => now })
  const room = new Y.Doc({ gc: true, guid: o.docId })
  const fragment = room.getXmlFragment(DOC_FIELD)
  const tabs = PEOPLE.map(() => new Y.Doc())
  const asked = zero()
  const taken = zero()
  const authors = new Set<string>()
  const editsPerVersion: number[] = []
  let dirty = false
  let editsSince = 0
  let editsDone = 0
  const editsAt = new Map<string, number>()
  let takeMs = 0
  let aiJobs = 0

  // RoomVersions.take: an automatic version only when something changed; any kind clears the authors.
  const take = async (kind: VersionKind, at: number, name?: string) => {
    if (kind === 'auto' && !dirty) return
    now = Math.max(now, at)
    asked[kind]++
    const t0 = performance.now()
    const meta = await history.take(o.docId, fragment, kind, { authors: [...authors], ...(name ? { name } : {}) })
    takeMs += performance.now() - t0
    if (meta) taken[kind]++
    if (meta && kind === 'auto') editsPerVersion.push(editsSince)
    if (meta) editsSince = 0
    if (meta) editsAt.set(meta.id, editsDone)
    authors.clear()
    dirty = false
  }

  let quietSince = Number.POSITIVE_INFINITY
  let named = 0
  for (const b of plan.bursts) {
    // Versions due before this burst: the quiet-period one, then a named one.
    if (quietSince + o.quietMs <= b.at) await take('auto', quietSince + o.quietMs)
    while (named < plan.named.length && plan.named[named]! <= b.at) await take('named', plan.named[named++]!, 'Weekly review')
    const tab = tabs[b.person]!
    Y.applyUpdate(tab, Y.encodeStateAsUpdate(room, Y.encodeStateVector(tab)))
    for (let i = 0; i < b.edits; i++) edit(tab, r)
    Y.applyUpdate(room, Y.encodeStateAsUpdate(tab, Y.encodeStateVector(room)))
    if (b.edits > 0) {
      dirty = true
      authors.add(PEOPLE[b.person]!)
      editsSince += b.edits
      editsDone += b.edits
    }
    let end = Math.max(quietSince === Number.POSITIVE_INFINITY ? 0 : quietSince, b.at + b.edits * EDIT_MS)
    if (b.ai) {
      await take('before-ai', end)
      aiJobs++
      const words = Array.from({ length: 60 }, () => AI_WORDS[Math.floor(r() * AI_WORDS.length)]).join(' ')
      room.transact(() => fragment.insert(Math.floor(r() * (fragment.length + 1)), [paragraph(`${words}.`)]))
      dirty = true
      authors.add(PEOPLE[b.person]!)
      end += 15_000
    }
    quietSince = end
  }
  await take('auto', quietSince + o.quietMs)
  while (named < plan.named.length) await take('named', plan.named[named++]!, 'Weekly review')
  // The last session: one person reworks one section (three paragraphs), as most sessions do.
  const tab = tabs[0]!
  const section = { from: Math.floor(fragment.length / 2), count: 3 }
  Y.applyUpdate(tab, Y.encodeStateAsUpdate(room, Y.encodeStateVector(tab)))
  for (let i = 0; i < o.sectionEdits; i++) edit(tab, r, section)
  Y.applyUpdate(room, Y.encodeStateAsUpdate(tab, Y.encodeStateVector(room)))
  dirty = true
  authors.add(PEOPLE[0]!)
  editsSince += o.sectionEdits
  editsDone += o.sectionEdits
  await take('auto', now + 10 * MINUTE + o.sectionEdits * EDIT_MS + o.quietMs)
  now = Math.max(now + MINUTE, o.todayUtc - 5 * HOUR)
  for (const t of tabs) t.destroy()
  return {
    doc: room,
    history,
    end: now,
    workingDays: plan.workingDays,
    sessions: plan.sessions,
    bursts: plan.bursts.length,
    aiJobs,
    asked,
    taken,
    takeMs,
    editsPerVersion,
    editsAt,
    sectionEdits: o.sectionEdits,
  }
}

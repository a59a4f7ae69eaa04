/**
 * Copy every document of one store into another through the DocStore
 * interface: content (snapshot and updates), the summary the search reads
 * (title, text, last editor), creation and last-edit times; then tombstones and revoked tokens, which the caller lists (the
 * interface has no listing for them).
 *
 * Safe to run again. A document already in the target gets only what it
 * lacks: the source's content is diffed against the target's state vector,
 * and appended only if applying it would change something, so a second run
 * appends nothing and a run after an interrupted one finishes the job. Yjs
 * updates are idempotent, so even a repeated append could not duplicate text.
 *
 * Conflicts are reported, never resolved by deleting: a target tombstone for
 * a live source document, or a live target document the source deleted.
 */
import * as Y from 'yjs'
import { DOC_FIELD } from '../../shared/editorSchema.ts'
import { summarize } from '../collab/roomSummary.ts'
import type { DocMeta, DocStore, StoredDoc } from '../storage/index.ts'
import type { RevokedToken, Tombstone } from './sqliteExtras.ts'

export interface CopySummary {
  /** Documents created in the target. */
  copied: number
  /** Documents already in the target that lacked some of the source's content. */
  completed: number
  /** Documents already in the target with everything. */
  unchanged: number
  /** Updates appended, and their bytes. */
  updates: number
  bytes: number
  /** Versions (version history) added to the target. */
  versions: number
  tombstones: number
  revokedTokens: number
  /** Revocations of tokens that have expired anyway, left behind. */
  expiredTokens: number
  conflicts: string[]
}

export interface CopyExtras {
  tombstones: readonly Tombstone[]
  revokedTokens: readonly RevokedToken[]
}

export async function copyStore(source: DocStore, target: DocStore, extras: CopyExtras, now = Date.now()): Promise<CopySummary> {
  const summary: CopySummary = { copied: 0, completed: 0, unchanged: 0, updates: 0, bytes: 0, versions: 0, tombstones: 0, revokedTokens: 0, expiredTokens: 0, conflicts: [] }
  for (const meta of await source.list()) {
    const loaded = await source.load(meta.id)
    // Listed, then deleted by a server still running on the folder.
    if (loaded.status !== 'found') continue
    if (await copyDoc(meta, loaded.doc, target, summary)) await copyVersions(meta.id, source, target, summary)
  }
  for (const t of extras.tombstones) await copyTombstone(t, target, summary)
  for (const r of extras.revokedTokens) {
    if (r.expiresAt < now) {
      summary.expiredTokens++
      continue
    }
    await target.revokeToken(r.jti, r.expiresAt)
    summary.revokedTokens++
  }
  return summary
}

/** Copies one document's content and summary; false when the target keeps it deleted. */
async function copyDoc(meta: DocMeta, doc: StoredDoc, target: DocStore, summary: CopySummary): Promise<boolean> {
  const parts = doc.snapshot ? [doc.snapshot, ...doc.updates] : doc.updates
  const existing = await target.load(meta.id)
  if (existing.status === 'deleted') {
    summary.conflicts.push(`${meta.id}: deleted in the target, kept deleted (the source's copy was not copied)`)
    return false
  }
  if (existing.status === 'missing') {
    await target.create(meta.id, meta.createdAt)
    // As stored, nothing re-encoded; the last-edit time rides on the append.
    await append(target, meta.id, parts, meta.updatedAt, summary)
    await target.setSummary(meta.id, summaryOf(parts, meta))
    summary.copied++
    return true
  }
  const missing = lacking(parts, existing.doc)
  if (!missing) {
    summary.unchanged++
    return true
  }
  const targetMeta = await target.meta(meta.id)
  await append(target, meta.id, [missing], Math.max(meta.updatedAt, targetMeta?.updatedAt ?? 0), summary)
  const merged = existing.doc.snapshot ? [existing.doc.snapshot, ...existing.doc.updates, missing] : [...existing.doc.updates, missing]
  await target.setSummary(meta.id, summaryOf(merged, { ...meta, editedBy: meta.editedBy ?? targetMeta?.editedBy ?? null }))
  summary.completed++
  return true
}

/**
 * The document's versions the target lacks (same time, kind and content),
 * with their times, names and authors; a second run adds none.
 */
async function copyVersions(docId: string, source: DocStore, target: DocStore, summary: CopySummary): Promise<void> {
  const key = (v: { createdAt: number; kind: string; contentHash: string }) => `${v.createdAt}:${v.kind}:${v.contentHash}`
  const have = new Set((await target.listVersions(docId)).map(key))
  // Oldest first, so versions of equal time keep their order.
  for (const meta of (await source.listVersions(docId)).reverse()) {
    if (have.has(key(meta))) continue
    const version = await source.getVersion(docId, meta.id)
    if (!version) continue
    await target.addVersion(docId, { createdAt: version.createdAt, kind: version.kind, name: version.name, authors: version.authors, contentHash: version.contentHash, content: version.content })
    summary.versions++
  }
}

/** The summary rooms store (title, search text, last editor), computed from the stored content. */
function summaryOf(parts: readonly Uint8Array[], meta: DocMeta) {
  const doc = new Y.Doc()
  for (const u of parts) Y.applyUpdate(doc, u)
  const result = summarize(doc, doc.getXmlFragment(DOC_FIELD), meta.editedBy)
  doc.destroy()
  return { ...result, title: result.title || meta.title }
}

/** What of `parts` the target's document lacks, as one update; null when applying them would change nothing. */
function lacking(parts: readonly Uint8Array[], stored: StoredDoc): Uint8Array | null {
  const have = new Y.Doc({ gc: false })
  for (const u of stored.snapshot ? [stored.snapshot, ...stored.updates] : stored.updates) Y.applyUpdate(have, u)
  const diff = Y.diffUpdate(Y.mergeUpdates([...parts]), Y.encodeStateVector(have))
  // A diff always carries the whole delete set: only a new insert or a new
  // deletion makes it worth storing.
  let changed = false
  have.on('update', () => (changed = true))
  Y.applyUpdate(have, diff)
  have.destroy()
  return changed ? diff : null
}

async function append(target: DocStore, id: string, parts: readonly Uint8Array[], at: number, summary: CopySummary): Promise<void> {
  if (parts.length === 0) return
  await target.appendMany(id, parts, at)
  summary.updates += parts.length
  summary.bytes += parts.reduce((n, u) => n + u.byteLength, 0)
}

async function copyTombstone(t: Tombstone, target: DocStore, summary: CopySummary): Promise<void> {
  const existing = await target.load(t.id)
  if (existing.status === 'deleted') return
  if (existing.status === 'found') {
    summary.conflicts.push(`${t.id}: deleted in the source but a live document in the target, left as it is`)
    return
  }
  // The interface makes a tombstone by deleting a record; its time is now, not the source's.
  await target.create(t.id, t.deletedAt)
  await target.delete(t.id)
  summary.tombstones++
}

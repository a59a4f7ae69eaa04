import { randomUUID } from 'node:crypto'
import { LocalClaims } from './localClaims.ts'
import { foldedSnippet, indexTerms, matchesTerms, queryTerms } from './searchQuery.ts'
import {
  DocDeletedError,
  DocExistsError,
  type DocMeta,
  type DocStore,
  type DocSummaryInput,
  type LoadResult,
  type LoadSinceResult,
  type SearchHit,
  type SearchOptions,
  type StoredDoc,
} from './types.ts'
import { DocMissingError, type StoredVersion, type VersionInput, type VersionMeta } from './versionTypes.ts'

interface Entry {
  meta: DocMeta
  /** The summary's plain text, for search. */
  text: string
  snapshot: Uint8Array | null
  snapshotSeq: number
  updates: { seq: number; data: Uint8Array }[]
  /** Oldest added first; listing reverses into newest first. */
  versions: StoredVersion[]
}

/** Volatile storage for tests and throwaway servers. */
export class MemoryStore implements DocStore {
  private readonly claims = new LocalClaims()
  private readonly docs = new Map<string, Entry>()
  private readonly tombstones = new Set<string>()
  private seq = 0

  async create(id: string, now: number): Promise<void> {
    if (this.docs.has(id) || this.tombstones.has(id)) throw new DocExistsError(id)
    this.docs.set(id, this.blank(id, now))
  }

  async load(id: string): Promise<LoadResult> {
    if (this.tombstones.has(id)) return { status: 'deleted' }
    const e = this.docs.get(id)
    if (!e) return { status: 'missing' }
    return { status: 'found', doc: this.toStored(e) }
  }

  async loadSince(id: string, afterSeq: number): Promise<LoadSinceResult> {
    if (this.tombstones.has(id)) return { status: 'deleted' }
    const e = this.docs.get(id)
    if (!e) return { status: 'missing' }
    if (e.snapshotSeq > afterSeq) return { status: 'compacted', doc: this.toStored(e) }
    const updates = e.updates.filter((u) => u.seq > afterSeq).map((u) => ({ seq: u.seq, update: u.data }))
    return { status: 'updates', updates, lastSeq: this.lastSeq(e) }
  }

  async append(id: string, update: Uint8Array, now: number): Promise<number> {
    if (this.tombstones.has(id)) throw new DocDeletedError(id)
    let e = this.docs.get(id)
    if (!e) {
      e = this.blank(id, now)
      this.docs.set(id, e)
    }
    const seq = ++this.seq
    // Copy: callers may reuse their buffer.
    e.updates.push({ seq, data: update.slice() })
    e.meta.updatedAt = now
    return seq
  }

  async appendMany(id: string, updates: readonly Uint8Array[], now: number): Promise<number> {
    if (updates.length === 0) return 0
    // Through append(), so a subclass that wraps it (the tests' full disk)
    // sees every update. append() never awaits, so all these calls run now,
    // with nothing in between: the batch is stored whole or refused whole.
    const seqs = await Promise.all(updates.map((u) => this.append(id, u, now)))
    return seqs.at(-1)!
  }

  async compact(id: string, snapshot: Uint8Array, uptoSeq: number): Promise<void> {
    const e = this.docs.get(id)
    if (!e) return
    // A late, older snapshot must not replace a newer one.
    if (uptoSeq >= e.snapshotSeq) {
      e.snapshot = snapshot.slice()
      e.snapshotSeq = uptoSeq
    }
    e.updates = e.updates.filter((u) => u.seq > e.snapshotSeq)
  }

  async setTitle(id: string, title: string): Promise<void> {
    const e = this.docs.get(id)
    if (e) e.meta.title = title
  }

  async setSummary(id: string, summary: DocSummaryInput): Promise<void> {
    const e = this.docs.get(id)
    if (!e) return
    e.meta.title = summary.title
    e.text = summary.text
    if (summary.editedBy !== null) e.meta.editedBy = summary.editedBy
  }

  async search(query: string, options: SearchOptions): Promise<SearchHit[]> {
    const q = queryTerms(query)
    if (!q) return []
    const only = options.ids ? new Set(options.ids) : null
    const hits: SearchHit[] = []
    for (const e of this.docs.values()) {
      if (only && !only.has(e.meta.id)) continue
      if (matchesTerms(new Set(indexTerms(e.meta.title, e.text)), q)) hits.push({ meta: { ...e.meta }, snippet: foldedSnippet(e.text, q.needle) })
    }
    return hits.sort((a, b) => b.meta.updatedAt - a.meta.updatedAt).slice(0, options.limit)
  }

  async isDeleted(id: string): Promise<boolean> {
    return this.tombstones.has(id)
  }

  async list(): Promise<DocMeta[]> {
    return [...this.docs.values()].map((e) => ({ ...e.meta })).sort((a, b) => b.updatedAt - a.updatedAt)
  }

  async meta(id: string): Promise<DocMeta | null> {
    const e = this.docs.get(id)
    return e ? { ...e.meta } : null
  }

  async addVersion(docId: string, v: VersionInput): Promise<VersionMeta> {
    if (this.tombstones.has(docId)) throw new DocDeletedError(docId)
    const e = this.docs.get(docId)
    if (!e) throw new DocMissingError(docId)
    const { content, ...rest } = v
    const stored: StoredVersion = { ...rest, id: randomUUID(), docId, authors: [...v.authors], bytes: content.byteLength, content: content.slice() }
    e.versions.push(stored)
    return metaOf(stored)
  }

  async listVersions(docId: string): Promise<VersionMeta[]> {
    const versions = this.docs.get(docId)?.versions ?? []
    // reverse() first: the sort is stable, so equal times stay later-added first.
    return [...versions].reverse().sort((a, b) => b.createdAt - a.createdAt).map(metaOf)
  }

  async getVersion(docId: string, versionId: string): Promise<StoredVersion | null> {
    const v = this.docs.get(docId)?.versions.find((x) => x.id === versionId)
    return v ? { ...metaOf(v), content: v.content.slice() } : null
  }

  async nameVersion(docId: string, versionId: string, name: string): Promise<VersionMeta | null> {
    const v = this.docs.get(docId)?.versions.find((x) => x.id === versionId)
    if (!v) return null
    v.kind = 'named'
    v.name = name
    return metaOf(v)
  }

  async deleteVersions(docId: string, versionIds: readonly string[]): Promise<number> {
    const e = this.docs.get(docId)
    if (!e) return 0
    const gone = new Set(versionIds)
    const before = e.versions.length
    e.versions = e.versions.filter((v) => !gone.has(v.id))
    return before - e.versions.length
  }

  async delete(id: string): Promise<boolean> {
    if (!this.docs.delete(id)) return false
    this.tombstones.add(id)
    return true
  }

  private readonly revoked = new Map<string, number>()

  async revokeToken(jti: string, expiresAt: number): Promise<void> {
    this.revoked.set(jti, expiresAt)
  }

  async isTokenRevoked(jti: string): Promise<boolean> {
    return this.revoked.has(jti)
  }

  async revokedAmong(jtis: readonly string[]): Promise<Set<string>> {
    return new Set(jtis.filter((jti) => this.revoked.has(jti)))
  }

  async claimClientId(docId: string, clientId: number): Promise<boolean> {
    return this.claims.claim(docId, clientId)
  }

  async releaseClientId(docId: string, clientId: number): Promise<void> {
    this.claims.release(docId, clientId)
  }

  async ping(): Promise<void> {}

  async close(): Promise<void> {}

  async lastSeqs(ids: readonly string[]): Promise<Map<string, number>> {
    const seqs = new Map<string, number>()
    for (const id of ids) {
      const e = this.docs.get(id)
      if (e) seqs.set(id, this.lastSeq(e))
    }
    return seqs
  }

  private toStored(e: Entry): StoredDoc {
    return { snapshot: e.snapshot, updates: e.updates.map((u) => u.data), lastSeq: this.lastSeq(e) }
  }

  private lastSeq(e: Entry): number {
    return e.updates.at(-1)?.seq ?? e.snapshotSeq
  }

  private blank(id: string, now: number): Entry {
    return { meta: { id, title: '', createdAt: now, updatedAt: now, editedBy: null }, text: '', snapshot: null, snapshotSeq: 0, updates: [], versions: [] }
  }
}

function metaOf(v: StoredVersion): VersionMeta {
  const { content: _content, ...meta } = v
  return { ...meta, authors: [...meta.authors] }
}

/**
 * The storage contract. A room appends every update it applies (before it is
 * broadcast) and now and then replaces the log with a snapshot. Any backend
 * (memory, SQLite, later Postgres) passes `tests/storage/contract.ts`.
 *
 * Methods are async so a networked backend fits. SQLite runs reads and
 * compaction at once, and commits the appends of one event-loop turn
 * together (see `groupCommit.ts`).
 */
import type { StoredVersion, VersionInput, VersionMeta } from './versionTypes.ts'

export type { StoredVersion, VersionInput, VersionKind, VersionMeta } from './versionTypes.ts'
export { DocMissingError, VERSION_KINDS } from './versionTypes.ts'

export interface StoredDoc {
  /** Merged state from the last compaction, or null. */
  snapshot: Uint8Array | null
  /** Updates appended after the snapshot, oldest first. */
  updates: Uint8Array[]
  /** Sequence number of the last update in `updates` (or of the snapshot). */
  lastSeq: number
}

export interface DocMeta {
  id: string
  title: string
  createdAt: number
  updatedAt: number
  /** Display name of whoever changed the document last, when the room knew it. */
  editedBy: string | null
}

/**
 * What a room writes about its document about once a second while it
 * changes: the list's title, the plain text the search indexes, and who
 * made the last change (null: not known, keep the stored one).
 */
export interface DocSummaryInput {
  title: string
  text: string
  editedBy: string | null
}

export interface SearchHit {
  meta: DocMeta
  /** Some text around the first match in the body, or null when only the title matched. */
  snippet: string | null
}

export interface SearchOptions {
  /** At most this many hits, newest change first. */
  limit: number
  /** Only among these documents (a token for one document). */
  ids?: readonly string[]
}

export type LoadResult = { status: 'found'; doc: StoredDoc } | { status: 'missing' } | { status: 'deleted' }

/**
 * What `loadSince` found: the updates after a sequence number, or the whole
 * document when compaction already folded some of them into the snapshot.
 */
export type LoadSinceResult =
  | { status: 'updates'; updates: Array<{ seq: number; update: Uint8Array }>; lastSeq: number }
  | { status: 'compacted'; doc: StoredDoc }
  | { status: 'missing' }
  | { status: 'deleted' }

/**
 * Sequence numbers increase per document in commit order. PostgreSQL's are
 * also contiguous per document (1, 2, 3, ...; a rolled-back write leaves no
 * hole), which the bus between instances relies on to notice a missed
 * message. Memory's and SQLite's are shared by all documents, so they have
 * gaps; one instance never needs to detect any.
 */
export interface DocStore {
  /** Create an empty document record. Fails with `DocExistsError` if the id is taken. */
  create(id: string, now: number): Promise<void>
  load(id: string): Promise<LoadResult>
  /**
   * Durably append one update; resolves with its sequence number once it
   * would survive a process crash. Creates the record if it is missing.
   */
  append(id: string, update: Uint8Array, now: number): Promise<number>
  /**
   * Durably append several updates of one document, in order, all or none;
   * resolves with the sequence number of the last one. Refuses a deleted
   * document as `append` does. An empty list stores nothing (not even the
   * record) and resolves with 0. Cheaper per update than `append`: a room
   * stores everything it queued while the previous write was in flight.
   */
  appendMany(id: string, updates: readonly Uint8Array[], now: number): Promise<number>
  /**
   * The updates with seq > `afterSeq`, oldest first, to fill a gap; or the
   * whole stored document if updates after `afterSeq` were already folded
   * into the snapshot.
   */
  loadSince(id: string, afterSeq: number): Promise<LoadSinceResult>
  /**
   * Replace the snapshot with `snapshot`, which holds every update up to
   * `uptoSeq`, and drop the updates it covers. Never drops an update with a
   * higher seq, and never replaces a snapshot that covers a higher seq (with
   * several writers, an older compaction can arrive late).
   */
  compact(id: string, snapshot: Uint8Array, uptoSeq: number): Promise<void>
  /**
   * Each listed document's newest seq (what `load` would report as
   * `lastSeq`), in one read; missing and deleted documents are left out.
   * Several instances poll this for their loaded rooms, so a missed bus
   * message is noticed even while the bus is down.
   */
  lastSeqs(ids: readonly string[]): Promise<Map<string, number>>
  setTitle(id: string, title: string): Promise<void>
  /**
   * Store the document's summary (see `DocSummaryInput`), in call order with
   * the appends. Like a title, it neither creates a record nor fails on a
   * deleted document; it does not touch `updatedAt` (appends do).
   */
  setSummary(id: string, summary: DocSummaryInput): Promise<void>
  /**
   * Documents whose title or text holds every word of `query`, each word
   * matched as a case-insensitive prefix of a word ("quar" finds
   * "quarterly"). Punctuation separates words and is never query syntax,
   * so any string is safe; one with no letters or digits matches nothing.
   */
  search(query: string, options: SearchOptions): Promise<SearchHit[]>
  list(): Promise<DocMeta[]>
  meta(id: string): Promise<DocMeta | null>
  /** True once the document was deleted (its tombstone), false if it lives or never existed. */
  isDeleted(id: string): Promise<boolean>
  /** Delete the document, and its versions, and leave a tombstone so stale clients cannot resurrect it. */
  delete(id: string): Promise<boolean>
  /**
   * Store a version of a stored document under a new random id (after the
   * appends requested before it). Refuses a deleted document with
   * `DocDeletedError` and one never stored with `DocMissingError`.
   */
  addVersion(docId: string, version: VersionInput): Promise<VersionMeta>
  /** The document's versions, newest first (createdAt, then the later-added); never reads their content. */
  listVersions(docId: string): Promise<VersionMeta[]>
  /** One version with its content, or null if this document has no such version. */
  getVersion(docId: string, versionId: string): Promise<StoredVersion | null>
  /**
   * Name a version: a named one is renamed; one of another kind becomes
   * 'named', so that retention keeps it as people expect of a version they
   * named. Null if the document has no such version.
   */
  nameVersion(docId: string, versionId: string, name: string): Promise<VersionMeta | null>
  /** Delete these versions of this document (ids of other documents are ignored); resolves with how many went. */
  deleteVersions(docId: string, versionIds: readonly string[]): Promise<number>
  /** Revoke an access token by its id until it would have expired (ms). */
  revokeToken(jti: string, expiresAt: number): Promise<void>
  isTokenRevoked(jti: string): Promise<boolean>
  /** Which of these token ids are revoked, in one read (several instances re-check their live sockets' tokens). */
  revokedAmong(jtis: readonly string[]): Promise<Set<string>>
  /**
   * Claim a server client id for a room of this document: true if nobody
   * holds it. Rooms of one document on several instances write under their
   * own small client ids, and two writing under the same one would diverge
   * for good; the store is what all instances share, so it arbitrates.
   */
  claimClientId(docId: string, clientId: number): Promise<boolean>
  /** The room is gone: its client id may be claimed again. */
  releaseClientId(docId: string, clientId: number): Promise<void>
  /** Resolves if the store answers now; rejects if it is unreachable (for /api/health). */
  ping(): Promise<void>
  close(): Promise<void>
}

export class DocExistsError extends Error {
  override name = 'DocExistsError'
}

export class DocDeletedError extends Error {
  override name = 'DocDeletedError'
}

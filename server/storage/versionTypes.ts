/**
 * Versions: a document's content at a moment, kept for version history.
 * The store treats `content` as opaque bytes (the caller stores gzip'd
 * editor JSON) and never reads it to list, so a long history stays cheap.
 */

import type { VersionKind } from '../../shared/apiTypes.ts'

/**
 * Why a version exists (one list, in shared/apiTypes.ts, for the API and the
 * stores). Only 'named' versions are kept forever and can be renamed; the
 * others are thinned by the retention policy (`server/versions/retention.ts`).
 */
export type { VersionKind }

export const VERSION_KINDS: readonly VersionKind[] = ['auto', 'named', 'before-restore', 'before-ai']

export interface VersionMeta {
  /** A random id, unique across documents. */
  id: string
  docId: string
  createdAt: number
  kind: VersionKind
  name: string | null
  /** Display names of who changed the document since the previous version. */
  authors: string[]
  /** Chosen by the caller, so it can skip a version identical to the last. */
  contentHash: string
  /** `content.byteLength`, so a list can show sizes without reading blobs. */
  bytes: number
}

export interface StoredVersion extends VersionMeta {
  content: Uint8Array
}

export interface VersionInput {
  createdAt: number
  kind: VersionKind
  name: string | null
  authors: string[]
  contentHash: string
  content: Uint8Array
}

/** `addVersion` for a document that was never stored (a deleted one gets `DocDeletedError`). */
export class DocMissingError extends Error {
  override name = 'DocMissingError'
}


/**
 * A document's version history on top of the store: taking versions (never
 * two automatic ones of the same content in a row), thinning them by the
 * retention policy, and restoring one as a new edit, with a version of what
 * it replaces taken first so the restore itself can be undone.
 *
 * The room decides when to take automatic versions (quiet period, last
 * person leaving, before an AI job); this module decides what a version is.
 */
import type { Schema } from '@tiptap/pm/model'
import type * as Y from 'yjs'
import type { DocStore, VersionKind, VersionMeta } from '../storage/types.ts'
import { captureContent, type VersionContent } from './capture.ts'
import { contentHash, decodeVersion, encodeVersion } from './codec.ts'
import { restoreContent, type RestoreStats } from './restore.ts'
import { versionsToThin, type RetentionPolicy } from './retention.ts'

export interface VersionHistoryOptions {
  store: DocStore
  schema: Schema
  policy: RetentionPolicy
  now?: () => number
}

export interface TakeOptions {
  name?: string | null
  /** Who changed the document since the previous version. */
  authors?: readonly string[]
}

export interface RestoreResult {
  restoredFrom: string
  /** The version of what the restore replaced (null when it equalled the newest version already). */
  backupVersionId: string | null
  stats: RestoreStats
}

export class VersionNotFoundError extends Error {
  override name = 'VersionNotFoundError'
}

export class VersionHistory {
  private readonly now: () => number

  constructor(private readonly opts: VersionHistoryOptions) {
    this.now = opts.now ?? Date.now
  }

  /**
   * A version of the fragment's content now. An automatic kind whose content
   * equals the newest version's is not taken (null): nothing changed.
   * A named version is always taken: naming is a deliberate act.
   */
  async take(docId: string, fragment: Y.XmlFragment, kind: VersionKind, options: TakeOptions = {}): Promise<VersionMeta | null> {
    const content = captureContent(fragment)
    const hash = contentHash(content)
    const { store } = this.opts
    const versions = await store.listVersions(docId)
    if (kind !== 'named' && versions[0]?.contentHash === hash) return null
    const meta = await store.addVersion(docId, {
      createdAt: this.now(),
      kind,
      name: kind === 'named' ? (options.name ?? null) : null,
      authors: [...new Set(options.authors ?? [])].sort(),
      contentHash: hash,
      content: encodeVersion(content),
    })
    await this.thinAmong(docId, [meta, ...versions])
    return meta
  }

  list(docId: string): Promise<VersionMeta[]> {
    return this.opts.store.listVersions(docId)
  }

  async content(docId: string, versionId: string): Promise<{ meta: VersionMeta; content: VersionContent } | null> {
    const stored = await this.opts.store.getVersion(docId, versionId)
    if (!stored) return null
    const { content, ...meta } = stored
    return { meta, content: decodeVersion(content) }
  }

  /**
   * Restores a version as a new edit under `origin` (see restore.ts), after
   * taking a `before-restore` version of what it replaces.
   */
  async restore(docId: string, doc: Y.Doc, fragment: Y.XmlFragment, versionId: string, origin: object, authors: readonly string[] = []): Promise<RestoreResult> {
    const found = await this.content(docId, versionId)
    if (!found) throw new VersionNotFoundError(`no version ${versionId} of ${docId}`)
    const backup = await this.take(docId, fragment, 'before-restore', { authors })
    // The store answered asynchronously: the restore applies to the document as it is now.
    const stats = restoreContent(doc, fragment, this.opts.schema, found.content, origin)
    return { restoredFrom: versionId, backupVersionId: backup?.id ?? null, stats }
  }

  /** Deletes those of `versions` (all of the document's) the retention policy no longer keeps. */
  private async thinAmong(docId: string, versions: readonly VersionMeta[]): Promise<number> {
    const ids = versionsToThin(versions, this.now(), this.opts.policy)
    return ids.length === 0 ? 0 : this.opts.store.deleteVersions(docId, ids)
  }
}

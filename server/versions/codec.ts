/**
 * How a version's content is stored: its JSON (editor content and block
 * ids), gzip'd. Documents are mostly text, which compresses several times
 * over, and the stores keep the bytes opaque. The content hash covers the
 * editor content only, so two versions of the same content are recognised
 * whatever their blocks' identities.
 */
import { createHash } from 'node:crypto'
import { gunzipSync, gzipSync } from 'node:zlib'
import type { VersionContent } from './capture.ts'

export function encodeVersion(content: VersionContent): Uint8Array {
  return gzipSync(JSON.stringify(content))
}

export function decodeVersion(bytes: Uint8Array): VersionContent {
  return JSON.parse(gunzipSync(bytes).toString('utf8')) as VersionContent
}

export function contentHash(content: VersionContent): string {
  return createHash('sha256').update(JSON.stringify(content.doc)).digest('hex')
}

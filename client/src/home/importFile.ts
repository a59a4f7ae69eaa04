/**
 * Which files the home page imports, read before anything is sent: the
 * format comes from the file name, and a file far beyond what any server
 * accepts is refused without reading it. (The server's own limit,
 * MAX_BODY_BYTES, answers 413; `importError` words both the same way.)
 */
import type { ImportDocRequest } from '../../../shared/apiTypes.ts'
import { ApiError } from '../api/http.ts'

export const IMPORT_ACCEPT = '.md,.markdown,.html,.htm'
const FORMATS: Record<string, ImportDocRequest['format']> = { md: 'md', markdown: 'md', html: 'html', htm: 'html' }
/** Larger files are refused here; the server's limit is usually lower (256 KB by default). */
const MAX_FILE_BYTES = 5 * 1024 * 1024

export class ImportRefused extends Error {
  override name = 'ImportRefused'
}

/** The import request for a file, or `ImportRefused` saying why not. */
export async function readImport(file: File): Promise<ImportDocRequest> {
  const ext = /\.([A-Za-z]+)$/.exec(file.name)?.[1]?.toLowerCase() ?? ''
  const format = FORMATS[ext]
  if (!format) throw new ImportRefused(`“${file.name}” can't be imported: choose a Markdown (.md) or HTML (.html) file.`)
  if (file.size > MAX_FILE_BYTES) throw new ImportRefused(tooLarge(file.name))
  return { format, name: file.name, text: await file.text() }
}

export function importError(error: unknown, fileName: string): string | null {
  if (error instanceof ImportRefused) return error.message
  if (error instanceof ApiError && error.status === 413) return tooLarge(fileName)
  return null
}

function tooLarge(name: string): string {
  return `“${name}” is too large to import.`
}

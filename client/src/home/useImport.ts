import { useState } from 'react'
import { importDoc } from '../api/docsApi.ts'
import { describeError } from '../api/http.ts'
import { docPath, navigate } from '../app/router.ts'
import { importError, readImport } from './importFile.ts'

/** Import one file (picked or dropped), then open the new document. */
export function useImport(token: string | null): { importing: boolean; error: string | null; importFile: (file: File) => Promise<void>; clearError: () => void } {
  const [importing, setImporting] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const importFile = async (file: File) => {
    setError(null)
    setImporting(true)
    try {
      const id = await importDoc(token, await readImport(file))
      navigate(docPath(id))
    } catch (err) {
      setError(importError(err, file.name) ?? describeError(err))
      setImporting(false)
    }
  }
  return { importing, error, importFile, clearError: () => setError(null) }
}

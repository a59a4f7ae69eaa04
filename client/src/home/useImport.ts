import { useRef, useState } from 'react'
import { importDoc } from '../api/docsApi.ts'
import { describeError } from '../api/http.ts'
import { docPath, navigate } from '../app/router.ts'
import { importError, readImport } from './importFile.ts'

export interface Importer {
  importing: boolean
  error: string | null
  /** After several files: how many became documents. */
  notice: string | null
  /** One file opens as its new document; several are imported one after another and listed (`onListChanged`). */
  importFiles: (files: readonly File[]) => Promise<void>
  clearError: () => void
}

/** `by`: the person's own name, credited as the imported documents' last editor. */
export function useImport(token: string | null, by: string, onListChanged: () => void): Importer {
  const [importing, setImporting] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const [notice, setNotice] = useState<string | null>(null)
  // A drop while an import runs would otherwise start a second one.
  const busy = useRef(false)

  const importOne = async (file: File): Promise<string> => importDoc(token, { ...(await readImport(file)), by })
  const failure = (err: unknown, file: File) => importError(err, file.name) ?? `“${file.name}”: ${describeError(err)}`

  const importFiles = async (files: readonly File[]) => {
    if (busy.current || files.length === 0) return
    busy.current = true
    setError(null)
    setNotice(null)
    setImporting(true)
    if (files.length === 1) {
      const file = files[0]!
      try {
        navigate(docPath(await importOne(file)))
      } catch (err) {
        setError(importError(err, file.name) ?? describeError(err))
      }
    } else {
      let imported = 0
      const errors: string[] = []
      for (const file of files) {
        try {
          await importOne(file)
          imported++
        } catch (err) {
          errors.push(failure(err, file))
        }
      }
      setNotice(`Imported ${imported} of ${files.length} files as new documents.`)
      if (errors.length > 0) setError(errors.join(' '))
      onListChanged()
    }
    busy.current = false
    setImporting(false)
  }
  return { importing, error, notice, importFiles, clearError: () => setError(null) }
}

import { useRef } from 'react'
import { IMPORT_ACCEPT } from './importFile.ts'

/** "Import": a button that opens the file picker (the input itself stays hidden but labelled). */
export function ImportButton({ busy, onFiles }: { busy: boolean; onFiles: (files: File[]) => void }) {
  const input = useRef<HTMLInputElement>(null)
  return (
    <>
      <button type="button" className="button" data-testid="import-doc" disabled={busy} onClick={() => input.current?.click()}>
        {busy ? 'Importing…' : 'Import'}
      </button>
      <input
        ref={input}
        type="file"
        accept={IMPORT_ACCEPT}
        multiple
        hidden
        aria-label="Import Markdown or HTML files"
        data-testid="import-input"
        onChange={(e) => {
          const files = Array.from(e.target.files ?? [])
          // Cleared so picking the same file again fires another change.
          e.target.value = ''
          if (files.length > 0) onFiles(files)
        }}
      />
    </>
  )
}

import { useRef } from 'react'
import { IMPORT_ACCEPT } from './importFile.ts'

/** "Import": a button that opens the file picker (the input itself stays hidden but labelled). */
export function ImportButton({ busy, onFile }: { busy: boolean; onFile: (file: File) => void }) {
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
        hidden
        aria-label="Import a Markdown or HTML file"
        data-testid="import-input"
        onChange={(e) => {
          const file = e.target.files?.[0]
          // Cleared so picking the same file again fires another change.
          e.target.value = ''
          if (file) onFile(file)
        }}
      />
    </>
  )
}

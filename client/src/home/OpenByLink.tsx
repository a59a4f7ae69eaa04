import { useId, useState, type FormEvent } from 'react'
import { navigate } from '../app/router.ts'
import { parseDocLink } from './parseDocLink.ts'

/** Paste a share link (or an id) to open a document. */
export function OpenByLink() {
  const [value, setValue] = useState('')
  const [error, setError] = useState<string | null>(null)
  const id = useId()

  const submit = (event: FormEvent) => {
    event.preventDefault()
    const path = parseDocLink(value)
    if (!path) {
      setError('That does not look like a document link.')
      return
    }
    navigate(path)
  }

  return (
    <form className="open-link" onSubmit={submit} data-testid="open-by-link">
      <label htmlFor={id} className="field-label">
        Open a shared link
      </label>
      <div className="open-link__row">
        <input
          id={id}
          className="text-input"
          value={value}
          placeholder="Paste a link or document id"
          autoComplete="off"
          aria-invalid={error !== null}
          aria-describedby={error ? `${id}-error` : undefined}
          onChange={(event) => {
            setValue(event.target.value)
            setError(null)
          }}
        />
        <button type="submit" className="button" disabled={!value.trim()}>
          Open
        </button>
      </div>
      {error && (
        <p id={`${id}-error`} className="form-error" role="alert">
          {error}
        </p>
      )}
    </form>
  )
}

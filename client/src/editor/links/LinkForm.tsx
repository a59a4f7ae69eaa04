import { useId, useState, type FormEvent } from 'react'
import { safeHref } from '../../../../shared/markdown/href.ts'
import { normalizeHref } from './linkHref.ts'

interface LinkFormProps {
  initialHref: string
  /** Ask for the text to show: nothing is selected and the caret is not on a link. */
  askText: boolean
  existing: boolean
  onApply: (href: string, text: string) => void
  onRemove: () => void
  onCancel: () => void
}

/** The address (and maybe text) of a link. Enter applies; a refused address is said, and nothing changes. */
export function LinkForm({ initialHref, askText, existing, onApply, onRemove, onCancel }: LinkFormProps) {
  const [href, setHref] = useState(initialHref)
  const [text, setText] = useState('')
  const [error, setError] = useState<string | null>(null)
  const id = useId()
  const safeInitial = existing ? safeHref(initialHref) : null

  const submit = (event: FormEvent) => {
    event.preventDefault()
    const result = normalizeHref(href)
    if (!result.ok) {
      setError(result.message)
      return
    }
    onApply(result.href, text)
  }

  return (
    <form className="link-form" onSubmit={submit} noValidate>
      <label htmlFor={`${id}-href`} className="field-label">
        Address
      </label>
      <input
        id={`${id}-href`}
        className="text-input"
        // type=text, not url: "example.com" is welcome and gets https:// added.
        type="text"
        inputMode="url"
        autoComplete="off"
        autoCapitalize="off"
        spellCheck={false}
        enterKeyHint="done"
        placeholder="https://example.com"
        value={href}
        aria-invalid={error !== null}
        aria-describedby={error !== null ? `${id}-error` : undefined}
        data-testid="link-href"
        autoFocus
        onChange={(event) => {
          setHref(event.target.value)
          setError(null)
        }}
      />
      {error !== null && (
        <p id={`${id}-error`} className="form-error" role="alert" data-testid="link-error">
          {error}
        </p>
      )}
      {askText && (
        <>
          <label htmlFor={`${id}-text`} className="field-label">
            Text <span className="field-label__optional">(optional)</span>
          </label>
          <input
            id={`${id}-text`}
            className="text-input"
            value={text}
            autoComplete="off"
            data-testid="link-text"
            onChange={(event) => setText(event.target.value)}
          />
        </>
      )}
      <div className="link-form__actions">
        <button type="submit" className="button button--primary" data-testid="link-apply">
          Apply
        </button>
        {existing && (
          <button type="button" className="button" data-testid="link-remove" onClick={onRemove}>
            Remove link
          </button>
        )}
        {existing && safeInitial !== null && (
          // The card's Open, for keyboard users who reach links through Ctrl+K.
          <a className="button button--ghost" href={safeInitial} target="_blank" rel="noopener noreferrer" data-testid="link-form-open">
            Open<span className="visually-hidden"> link in a new tab</span>
          </a>
        )}
        <button type="button" className="button button--ghost" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  )
}

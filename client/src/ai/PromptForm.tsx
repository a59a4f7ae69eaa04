import { useEffect, useId, useRef, useState, type FormEvent, type KeyboardEvent } from 'react'
import { AI_INSTRUCTION_HARD_MAX } from '../../../shared/index.ts'

interface PromptFormProps {
  label: string
  placeholder: string
  submitLabel: string
  maxLength?: number
  /** Show the label (a standalone step) or keep it for screen readers only (inline field). */
  visibleLabel?: boolean
  autoFocus?: boolean
  onSubmit: (text: string) => void
  onBack?: () => void
  /** ArrowDown from the field, e.g. into a menu below it. */
  onArrowDown?: () => void
}

/** One text field that asks the AI for something; Enter sends. */
export function PromptForm({
  label,
  placeholder,
  submitLabel,
  maxLength = AI_INSTRUCTION_HARD_MAX,
  visibleLabel = true,
  autoFocus = true,
  onSubmit,
  onBack,
  onArrowDown,
}: PromptFormProps) {
  const [text, setText] = useState('')
  const inputRef = useRef<HTMLInputElement>(null)
  const id = useId()

  useEffect(() => {
    if (autoFocus) inputRef.current?.focus()
  }, [autoFocus])

  const submit = (event: FormEvent) => {
    event.preventDefault()
    const trimmed = text.trim()
    if (trimmed) onSubmit(trimmed)
  }

  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'ArrowDown' && onArrowDown) {
      event.preventDefault()
      onArrowDown()
    }
  }

  return (
    <form className="prompt-form" onSubmit={submit}>
      <label htmlFor={id} className={visibleLabel ? 'field-label' : 'visually-hidden'}>
        {label}
      </label>
      <div className="prompt-form__row">
        <input
          ref={inputRef}
          id={id}
          className="text-input"
          value={text}
          maxLength={maxLength}
          placeholder={placeholder}
          autoComplete="off"
          enterKeyHint="send"
          onChange={(event) => setText(event.target.value)}
          onKeyDown={onKeyDown}
        />
        <button type="submit" className="button button--primary" disabled={!text.trim()}>
          {submitLabel}
        </button>
      </div>
      {onBack && (
        <button type="button" className="button button--ghost prompt-form__back" onClick={onBack}>
          Back
        </button>
      )}
    </form>
  )
}

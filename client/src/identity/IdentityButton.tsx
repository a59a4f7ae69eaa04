import { useEffect, useId, useRef, useState, type FormEvent, type KeyboardEvent } from 'react'
import { useDismiss } from '../ui/useDismiss.ts'
import { NAME_MAX_LENGTH, cleanName, initials, type Identity } from './identity.ts'
import { COLOR_NAMES, PALETTE, readableTextColor } from './palette.ts'

interface IdentityButtonProps {
  identity: Identity
  onChange: (changes: { name?: string; color?: string }) => void
  /** Just the avatar (in the editor's presence row); the name shows on hover. */
  compact?: boolean
}

/** "Me" in the header; opens a small popover to change name and color. */
export function IdentityButton({ identity, onChange, compact = false }: IdentityButtonProps) {
  const [open, setOpen] = useState(false)
  const buttonRef = useRef<HTMLButtonElement>(null)
  const popoverRef = useRef<HTMLDivElement>(null)
  const close = (restoreFocus: boolean) => {
    setOpen(false)
    if (restoreFocus) buttonRef.current?.focus()
  }
  useDismiss(open, [buttonRef, popoverRef], (reason) => close(reason === 'escape'))

  return (
    <div className="identity">
      <button
        ref={buttonRef}
        type="button"
        className={`identity__button${compact ? ' identity__button--compact' : ''}`}
        data-testid="identity-button"
        aria-haspopup="dialog"
        aria-expanded={open}
        aria-label={`You are ${identity.name}. Change name and color`}
        title={compact ? `${identity.name} (you)` : undefined}
        onClick={() => setOpen((value) => !value)}
      >
        <span
          className="identity__swatch"
          style={{ backgroundColor: identity.color, color: readableTextColor(identity.color) }}
          aria-hidden="true"
        >
          {initials(identity.name)}
        </span>
        {!compact && (
          <span className="identity__name" aria-hidden="true">
            {identity.name}
          </span>
        )}
      </button>
      {open && (
        <div ref={popoverRef} className="popover identity__popover" role="dialog" aria-label="Your name and color">
          <IdentityForm identity={identity} onChange={onChange} onDone={() => close(true)} />
        </div>
      )}
    </div>
  )
}

function IdentityForm({
  identity,
  onChange,
  onDone,
}: Omit<IdentityButtonProps, 'compact'> & { onDone: () => void }) {
  const [name, setName] = useState(identity.name)
  const inputRef = useRef<HTMLInputElement>(null)
  const nameId = useId()
  const colorsId = useId()

  useEffect(() => {
    inputRef.current?.select()
  }, [])

  // Live: others see the new name as it is typed.
  const commitName = (value: string) => {
    setName(value)
    const cleaned = cleanName(value, '')
    if (cleaned) onChange({ name: cleaned })
  }

  const paletteHasCurrent = (PALETTE as readonly string[]).includes(identity.color)

  // Radio group keys: arrows pick the previous/next color and move focus with it.
  const moveColor = (event: KeyboardEvent<HTMLDivElement>) => {
    const step = { ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1 }[event.key]
    if (!step) return
    event.preventDefault()
    const index = (PALETTE as readonly string[]).indexOf(identity.color)
    const next = PALETTE[(index + step + PALETTE.length) % PALETTE.length] ?? PALETTE[0]
    onChange({ color: next })
    event.currentTarget.querySelector<HTMLElement>(`[data-color="${next}"]`)?.focus()
  }

  const submit = (event: FormEvent) => {
    event.preventDefault()
    onChange({ name: cleanName(name, identity.name) })
    onDone()
  }

  return (
    <form onSubmit={submit} className="identity__form">
      <label htmlFor={nameId} className="field-label">
        Your name
      </label>
      <input
        ref={inputRef}
        id={nameId}
        className="text-input"
        value={name}
        maxLength={NAME_MAX_LENGTH}
        autoComplete="nickname"
        onChange={(event) => commitName(event.target.value)}
      />
      <div className="field-label" id={colorsId}>
        Color
      </div>
      <div className="swatches" role="radiogroup" aria-labelledby={colorsId} onKeyDown={moveColor}>
        {PALETTE.map((color) => (
          <button
            key={color}
            type="button"
            role="radio"
            aria-checked={identity.color === color}
            tabIndex={identity.color === color || (!paletteHasCurrent && color === PALETTE[0]) ? 0 : -1}
            data-color={color}
            aria-label={COLOR_NAMES[color]}
            className="swatch"
            style={{ backgroundColor: color }}
            onClick={() => onChange({ color })}
          />
        ))}
      </div>
      <div className="identity__actions">
        <button type="submit" className="button button--primary">
          Done
        </button>
      </div>
    </form>
  )
}

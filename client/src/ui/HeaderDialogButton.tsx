import { useRef, useState, type ReactNode } from 'react'

interface HeaderDialogButtonProps {
  icon: ReactNode
  /** The word shown beside the icon (hidden at phone width). */
  text: string
  label: string
  hint: string
  testId: string
  /** The dialog, given how to close it; focus goes back to the button. */
  dialog: (close: () => void) => ReactNode
}

/** A header button that opens a modal dialog and takes focus back when it closes (Share, History). */
export function HeaderDialogButton({ icon, text, label, hint, testId, dialog }: HeaderDialogButtonProps) {
  const [open, setOpen] = useState(false)
  const buttonRef = useRef<HTMLButtonElement>(null)
  const close = () => {
    setOpen(false)
    buttonRef.current?.focus()
  }
  return (
    <>
      <button
        ref={buttonRef}
        type="button"
        className="button button--ghost header-button"
        data-testid={testId}
        aria-haspopup="dialog"
        aria-expanded={open}
        aria-label={label}
        title={hint}
        onClick={() => setOpen(true)}
      >
        {icon}
        <span className="header-button__text">{text}</span>
      </button>
      {open && dialog(close)}
    </>
  )
}

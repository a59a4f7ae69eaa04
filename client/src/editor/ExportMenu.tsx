import { useRef, useState, type KeyboardEvent } from 'react'
import type { ExportFormat } from '../../../shared/index.ts'
import { downloadExport, exportUrl } from '../api/docsApi.ts'
import { DownloadIcon } from '../ui/icons.tsx'
import { focusFirstItem, handleMenuKeyDown } from '../ui/menuKeys.ts'
import { useDismiss } from '../ui/useDismiss.ts'

const FORMATS: Array<{ format: ExportFormat; label: string; hint: string }> = [
  { format: 'md', label: 'Markdown', hint: '.md' },
  { format: 'html', label: 'HTML', hint: '.html' },
  { format: 'json', label: 'JSON', hint: '.json' },
]

export function ExportMenu({ docId, token }: { docId: string; token: string | null }) {
  const [open, setOpen] = useState(false)
  const [failure, setFailure] = useState<string | null>(null)
  const wrapperRef = useRef<HTMLDivElement>(null)
  const buttonRef = useRef<HTMLButtonElement>(null)
  const menuRef = useRef<HTMLDivElement>(null)

  const close = (restoreFocus: boolean) => {
    setOpen(false)
    if (restoreFocus) buttonRef.current?.focus()
  }
  useDismiss(open, [wrapperRef], (reason) => close(reason === 'escape'))

  const openMenu = (focusItem: boolean) => {
    setFailure(null)
    setOpen(true)
    if (focusItem) requestAnimationFrame(() => focusFirstItem(menuRef.current))
  }

  const onButtonKeyDown = (event: KeyboardEvent<HTMLButtonElement>) => {
    if (event.key === 'ArrowDown') {
      event.preventDefault()
      openMenu(true)
    }
  }

  return (
    <div ref={wrapperRef} className="menu-anchor" data-testid="export-menu">
      <button
        ref={buttonRef}
        type="button"
        className="button button--ghost header-button"
        aria-haspopup="menu"
        aria-expanded={open}
        aria-label="Export"
        // detail is 0 for keyboard activation (Enter/Space): then focus moves into the menu.
        onClick={(event) => (open ? close(false) : openMenu(event.detail === 0))}
        onKeyDown={onButtonKeyDown}
      >
        <DownloadIcon />
        <span className="header-button__text">Export</span>
      </button>
      {open && (
        <div
          ref={menuRef}
          className="popover menu export-menu"
          role="menu"
          aria-label="Export as"
          onKeyDown={(event) => handleMenuKeyDown(event, menuRef.current)}
        >
          {FORMATS.map(({ format, label, hint }) => (
            <a
              key={format}
              role="menuitem"
              className="menu__item"
              href={exportUrl(docId, format)}
              download
              onClick={(event) => {
                close(false)
                // Open mode: the plain link downloads. With a token, fetch it
                // with the token in a header instead of the address.
                if (!token) return
                event.preventDefault()
                downloadExport(docId, format, token).catch((err: unknown) => setFailure(`Export failed: ${err instanceof Error ? err.message : String(err)}`))
              }}
            >
              <span>{label}</span>
              <span className="menu__hint">{hint}</span>
            </a>
          ))}
        </div>
      )}
      {failure && (
        <p className="export-menu__failure" role="alert">
          {failure}
        </p>
      )}
    </div>
  )
}

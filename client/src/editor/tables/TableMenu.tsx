import type { Editor } from '@tiptap/core'
import { useEffect, useId, useRef, useState } from 'react'
import { createPortal } from 'react-dom'
import { ChevronDownIcon, TableIcon } from '../../ui/icons.tsx'
import { focusFirstItem, handleMenuKeyDown } from '../../ui/menuKeys.ts'
import { useDismiss } from '../../ui/useDismiss.ts'
import { useFloating } from '../../ui/useFloating.ts'
import { TABLE_ACTIONS, canRunTableAction, runTableAction } from './tableActions.ts'

interface TableMenuProps {
  editor: Editor
  /** The toolbar's roving tab stop (one tab stop for the whole toolbar). */
  tabStop: boolean
  onFocus: () => void
}

/**
 * Rows, columns and the header of the table at the caret. The toolbar shows
 * it only while the caret is in a table. The menu is portalled into the page's
 * <main>: inside the toolbar, which scrolls sideways on phones, it would be
 * clipped.
 */
export function TableMenu({ editor, tabStop, onFocus }: TableMenuProps) {
  const [open, setOpen] = useState(false)
  const buttonRef = useRef<HTMLButtonElement>(null)
  const menuId = useId()
  const { ref, style } = useFloating(open, () => buttonRef.current?.getBoundingClientRect() ?? null, { prefer: 'below', align: 'start', gap: 4 })

  useDismiss(open, [ref, buttonRef], (reason) => {
    setOpen(false)
    if (reason === 'escape') buttonRef.current?.focus()
  })
  useEffect(() => {
    if (open) focusFirstItem(ref.current)
  }, [open, ref])

  const container = document.querySelector('main') ?? document.body
  return (
    <>
      <button
        ref={buttonRef}
        type="button"
        className={`toolbar__button toolbar__button--menu${open ? ' is-active' : ''}`}
        aria-haspopup="menu"
        aria-expanded={open}
        aria-controls={open ? menuId : undefined}
        tabIndex={tabStop ? 0 : -1}
        title="Table: rows, columns, header"
        data-testid="toolbar-table-menu"
        onMouseDown={(event) => event.preventDefault()}
        onFocus={onFocus}
        onClick={() => setOpen((current) => !current)}
        onKeyDown={(event) => {
          if (event.key !== 'ArrowDown') return
          event.preventDefault()
          setOpen(true)
        }}
      >
        <TableIcon />
        <span className="toolbar__text">Table</span>
        <ChevronDownIcon />
      </button>
      {open &&
        createPortal(
          <div
            ref={ref}
            id={menuId}
            style={style}
            role="menu"
            aria-label="Table"
            className="popover menu table-menu"
            data-testid="table-menu"
            onKeyDown={(event) => handleMenuKeyDown(event, ref.current)}
          >
            {TABLE_ACTIONS.map((action, index) => {
              const enabled = canRunTableAction(editor, action)
              const startsDanger = action.danger && !TABLE_ACTIONS[index - 1]?.danger
              return [
                startsDanger && <div key={`${action.id}-separator`} className="menu__separator" role="separator" />,
                <button
                  key={action.id}
                  type="button"
                  role="menuitem"
                  className={`menu__item${action.danger ? ' menu__item--danger' : ''}`}
                  aria-disabled={!enabled}
                  data-action={action.id}
                  onClick={() => {
                    if (!enabled) return
                    setOpen(false)
                    runTableAction(editor, action)
                  }}
                >
                  {action.label}
                </button>,
              ]
            })}
          </div>,
          container,
        )}
    </>
  )
}
